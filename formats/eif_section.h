// An EIF section header: type, flags and data size, 12 bytes before every section's data.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace eifkit {

enum class SectionType : uint16_t {
  kInvalid = 0,
  kKernel = 1,
  kCmdline = 2,
  kRamdisk = 3,
  kSignature = 4,
  kMetadata = 5,
};

inline constexpr size_t kSectionHeaderSize = 12;

struct SectionHeader {
  uint16_t type = 0;  // raw: a reader must see unknown values to reject them
  uint16_t flags = 0;
  uint64_t size = 0;
};

std::array<uint8_t, kSectionHeaderSize> encode_section_header(const SectionHeader& h);
SectionHeader decode_section_header(const uint8_t* bytes);

bool is_known_section_type(uint16_t type);
// "kernel", "cmdline", "ramdisk", "signature", "metadata"; "invalid" otherwise.
std::string_view section_type_name(uint16_t type);

}  // namespace eifkit
