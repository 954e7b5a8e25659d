// A byte range of an open file as a ByteSource: one section of an EIF, read in place.
#pragma once

#include <algorithm>

#include "lib/base/byte_source.h"
#include "lib/base/file.h"

namespace eifkit {

class FileRange : public ByteSource {
 public:
  FileRange(File& file, uint64_t offset, uint64_t size)
      : file_(file), offset_(offset), left_(size) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), left_));
    if (n == 0) return 0;
    file_.pread_exact(buf.first(n), offset_);
    offset_ += n;
    left_ -= n;
    return n;
  }

 private:
  File& file_;
  uint64_t offset_, left_;
};

}  // namespace eifkit
