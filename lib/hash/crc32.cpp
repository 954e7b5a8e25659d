#include "lib/hash/crc32.h"

#include <zlib.h>

#include <algorithm>

namespace eifkit {

uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> data) {
  uLong c = crc;
  while (!data.empty()) {
    size_t n = std::min<size_t>(data.size(), 1u << 30);  // zlib takes a uInt length
    c = ::crc32(c, data.data(), static_cast<uInt>(n));
    data = data.subspan(n);
  }
  return static_cast<uint32_t>(c);
}

uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return static_cast<uint32_t>(::crc32_combine(crc_a, crc_b, static_cast<z_off_t>(len_b)));
}

}  // namespace eifkit
