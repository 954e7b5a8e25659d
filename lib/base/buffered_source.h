// Large reads from a ByteSource served as many small ones: the cpio reader asks for 110-byte
// headers, and each read of a measured EIF section costs a hash update.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "lib/base/byte_source.h"

namespace eifkit {

class BufferedSource : public ByteSource {
 public:
  explicit BufferedSource(ByteSource& in, size_t buffer_size = 1 << 20)
      : in_(in), buf_(buffer_size) {}

  // Up to `n` bytes from the current position without consuming them (fewer only at the end).
  std::span<const uint8_t> peek(size_t n) {
    if (end_ - pos_ < n) {
      std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
      end_ -= pos_;
      pos_ = 0;
      while (end_ < n) {
        size_t got = in_.read(std::span(buf_).subspan(end_));
        if (got == 0) break;
        end_ += got;
      }
    }
    return std::span<const uint8_t>(buf_).subspan(pos_, std::min(n, end_ - pos_));
  }

  size_t read(std::span<uint8_t> out) override {
    if (pos_ == end_) {
      // Big reads go straight through; small ones refill the buffer.
      if (out.size() >= buf_.size()) return in_.read(out);
      pos_ = 0;
      end_ = in_.read(buf_);
      if (end_ == 0) return 0;
    }
    size_t n = std::min(out.size(), end_ - pos_);
    std::memcpy(out.data(), buf_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  ByteSource& in_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0, end_ = 0;
};

}  // namespace eifkit
