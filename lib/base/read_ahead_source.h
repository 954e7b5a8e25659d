// Reads another source ahead on its own thread, into a fixed number of chunk buffers, so that
// what produces the bytes (a decompressor, say) runs on one core while the reader works on
// the bytes already made. Memory: chunks × chunk_size, whatever the stream's length. An error
// from the inner source reaches the reader where the bytes would have.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lib/base/byte_source.h"

namespace eifkit {

class ReadAheadSource : public ByteSource {
 public:
  // `inner` is only read on the read-ahead thread until this source has returned 0 or thrown;
  // it must outlive this object.
  explicit ReadAheadSource(ByteSource& inner, size_t chunks = 4, size_t chunk_size = 1 << 20);
  ~ReadAheadSource() override;  // stops the thread, even mid-stream
  ReadAheadSource(const ReadAheadSource&) = delete;
  ReadAheadSource& operator=(const ReadAheadSource&) = delete;

  size_t read(std::span<uint8_t> buf) override;

 private:
  struct Chunk {
    std::vector<uint8_t> data;
    size_t size = 0;
  };
  void produce();

  ByteSource& inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Chunk>> full_, free_;
  std::unique_ptr<Chunk> reading_;  // the chunk read() is taking bytes from
  size_t reading_pos_ = 0;
  bool ended_ = false;     // the producer saw the end, or failed
  bool stopping_ = false;  // the reader is gone
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace eifkit
