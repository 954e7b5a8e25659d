// zlib's CRC-32 (ISO-HDLC), the EIF header checksum, with combine so a streaming writer can
// checksum sections as it writes them and fold the header in last.
#pragma once

#include <cstdint>
#include <span>

namespace eifkit {

uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> data);
// CRC of A ‖ B from crc(A), crc(B) and the length of B.
uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

}  // namespace eifkit
