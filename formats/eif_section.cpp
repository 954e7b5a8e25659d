#include "formats/eif_section.h"

#include "formats/byte_order.h"

namespace eifkit {

std::array<uint8_t, kSectionHeaderSize> encode_section_header(const SectionHeader& h) {
  std::array<uint8_t, kSectionHeaderSize> out{};
  store_be<uint16_t>(&out[0], h.type);
  store_be<uint16_t>(&out[2], h.flags);
  store_be<uint64_t>(&out[4], h.size);
  return out;
}

SectionHeader decode_section_header(const uint8_t* bytes) {
  return SectionHeader{load_be<uint16_t>(bytes), load_be<uint16_t>(bytes + 2),
                       load_be<uint64_t>(bytes + 4)};
}

bool is_known_section_type(uint16_t type) {
  return type >= static_cast<uint16_t>(SectionType::kKernel) &&
         type <= static_cast<uint16_t>(SectionType::kMetadata);
}

std::string_view section_type_name(uint16_t type) {
  switch (static_cast<SectionType>(type)) {
    case SectionType::kKernel:
      return "kernel";
    case SectionType::kCmdline:
      return "cmdline";
    case SectionType::kRamdisk:
      return "ramdisk";
    case SectionType::kSignature:
      return "signature";
    case SectionType::kMetadata:
      return "metadata";
    case SectionType::kInvalid:
      break;
  }
  return "invalid";
}

}  // namespace eifkit
