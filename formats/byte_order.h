// Big-endian integer loads and stores: every integer in an EIF is big-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eifkit {

template <typename T>
T load_be(const uint8_t* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p[i]);
  return v;
}

template <typename T>
void store_be(uint8_t* p, T v) {
  for (size_t i = sizeof(T); i-- > 0;) {
    p[i] = static_cast<uint8_t>(v & 0xff);
    v = static_cast<T>(v >> 8);
  }
}

}  // namespace eifkit
