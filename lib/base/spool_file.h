// An anonymous temporary file (unlinked from the start, so nothing is left behind even on a
// crash) that file contents are appended to and read back from by offset. Several threads
// may fill it at once: each allocates its extent, then writes it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "lib/base/file.h"

namespace eifkit {

class SpoolFile {
 public:
  SpoolFile();  // in $TMPDIR, else /tmp
  uint64_t size() const;
  void append(std::span<const uint8_t> data);
  // The offset of `bytes` more, after reserve(bytes); thread-safe.
  uint64_t allocate(uint64_t bytes);
  void write_at(std::span<const uint8_t> data, uint64_t offset) { file_.pwrite_all(data, offset); }
  // Before appending `bytes` more: an Error naming the directory when its filesystem has not
  // that much free, so a big image fails at once rather than after filling the disk.
  void reserve(uint64_t bytes);
  void read_at(std::span<uint8_t> buf, uint64_t offset) { file_.pread_exact(buf, offset); }
  File& file() { return file_; }

 private:
  void reserve_locked(uint64_t bytes);
  // Guards size_ and checked_until_; held by pointer so that a SpoolFile can still be moved.
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
  File file_;
  uint64_t size_ = 0;
  // Free space is asked again only once half of what was free last time has been used.
  uint64_t checked_until_ = 0;
};

}  // namespace eifkit
