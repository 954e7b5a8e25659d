// In-memory ends for the streaming interfaces: a sink that keeps what it is given, and a
// source over bytes that can hand them out a few at a time so callers must loop.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "lib/base/byte_sink.h"
#include "lib/base/byte_source.h"

namespace eifkit::test {

struct VectorSink : ByteSink {
  std::vector<uint8_t> bytes;
  void write(std::span<const uint8_t> data) override {
    bytes.insert(bytes.end(), data.begin(), data.end());
  }
};

// The bytes must outlive the source.
class SpanSource : public ByteSource {
 public:
  explicit SpanSource(std::span<const uint8_t> data,
                      size_t step = std::numeric_limits<size_t>::max())
      : data_(data), step_(step) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = std::min({buf.size(), data_.size(), step_});
    std::copy_n(data_.begin(), n, buf.begin());
    data_ = data_.subspan(n);
    return n;
  }

 private:
  std::span<const uint8_t> data_;
  size_t step_;
};

}  // namespace eifkit::test
