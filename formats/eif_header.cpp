#include "formats/eif_header.h"

#include <algorithm>
#include <vector>

#include "formats/byte_order.h"
#include "formats/eif_section.h"

namespace eifkit {

std::array<uint8_t, kEifHeaderSize> encode_eif_header(const EifHeader& h) {
  std::array<uint8_t, kEifHeaderSize> out{};
  std::copy(h.magic.begin(), h.magic.end(), out.begin());
  store_be<uint16_t>(&out[4], h.version);
  store_be<uint16_t>(&out[6], h.flags);
  store_be<uint64_t>(&out[8], h.default_mem);
  store_be<uint64_t>(&out[16], h.default_cpus);
  store_be<uint16_t>(&out[24], h.reserved);
  store_be<uint16_t>(&out[26], h.num_sections);
  for (size_t i = 0; i < kMaxSections; ++i) {
    store_be<uint64_t>(&out[28 + 8 * i], h.section_offsets[i]);
    store_be<uint64_t>(&out[284 + 8 * i], h.section_sizes[i]);
  }
  store_be<uint32_t>(&out[540], h.unused);
  store_be<uint32_t>(&out[544], h.crc32);
  return out;
}

EifHeader decode_eif_header(const uint8_t* bytes) {
  EifHeader h;
  std::copy(bytes, bytes + 4, h.magic.begin());
  h.version = load_be<uint16_t>(bytes + 4);
  h.flags = load_be<uint16_t>(bytes + 6);
  h.default_mem = load_be<uint64_t>(bytes + 8);
  h.default_cpus = load_be<uint64_t>(bytes + 16);
  h.reserved = load_be<uint16_t>(bytes + 24);
  h.num_sections = load_be<uint16_t>(bytes + 26);
  for (size_t i = 0; i < kMaxSections; ++i) {
    h.section_offsets[i] = load_be<uint64_t>(bytes + 28 + 8 * i);
    h.section_sizes[i] = load_be<uint64_t>(bytes + 284 + 8 * i);
  }
  h.unused = load_be<uint32_t>(bytes + 540);
  h.crc32 = load_be<uint32_t>(bytes + 544);
  return h;
}

Arch header_arch(const EifHeader& h) {
  return (h.flags & kEifFlagAarch64) ? Arch::kAarch64 : Arch::kX86_64;
}

const char* arch_name(Arch arch) {
  return arch == Arch::kAarch64 ? "aarch64" : "x86_64";
}

std::optional<std::string> eif_header_problem(const EifHeader& h, uint64_t file_size) {
  if (h.magic != kEifMagic) return "not an EIF (bad magic)";
  // Versions before 4 share this layout; they only lack the metadata section.
  if (h.version == 0 || h.version > kEifVersion) {
    return "unsupported EIF version " + std::to_string(h.version) + " (eifkit reads 1 to 4)";
  }
  if (h.num_sections == 0) return "header declares no sections";
  if (h.num_sections > kMaxSections) {
    return "header declares " + std::to_string(h.num_sections) + " sections (at most 32)";
  }
  for (size_t i = h.num_sections; i < kMaxSections; ++i) {
    if (h.section_offsets[i] != 0 || h.section_sizes[i] != 0) {
      return "section table slot " + std::to_string(i) + " is past num_sections but not empty";
    }
  }
  struct Span {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Span> spans;
  for (size_t i = 0; i < h.num_sections; ++i) {
    uint64_t offset = h.section_offsets[i];
    uint64_t size = h.section_sizes[i];
    const std::string which = "section " + std::to_string(i);
    if (offset < kEifHeaderSize) return which + " starts inside the file header";
    // Subtractions only: a declared size near 2^64 must not wrap around the check.
    if (offset > file_size || file_size - offset < kSectionHeaderSize ||
        file_size - offset - kSectionHeaderSize < size) {
      return which + " (offset " + std::to_string(offset) + ", size " + std::to_string(size) +
             ") extends past the end of the file (" + std::to_string(file_size) + " bytes)";
    }
    spans.push_back({offset, offset + kSectionHeaderSize + size, i});
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].begin < spans[i - 1].end) {
      return "sections " + std::to_string(spans[i - 1].index) + " and " +
             std::to_string(spans[i].index) + " overlap";
    }
  }
  return std::nullopt;
}

}  // namespace eifkit
