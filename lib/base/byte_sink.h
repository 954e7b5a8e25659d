// Where producers of section bytes write: the EIF writer's hashing, CRC-ing section stream.
#pragma once

#include <cstdint>
#include <span>

namespace eifkit {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::span<const uint8_t> data) = 0;
};

}  // namespace eifkit
