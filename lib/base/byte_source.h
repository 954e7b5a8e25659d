// A pull stream of bytes: layer blobs, decompressors, and the tar reader's input.
#pragma once

#include <cstdint>
#include <span>

namespace eifkit {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Fills up to buf.size() bytes; returns 0 only at the end. Throws Error on bad input.
  virtual size_t read(std::span<uint8_t> buf) = 0;
};

}  // namespace eifkit
