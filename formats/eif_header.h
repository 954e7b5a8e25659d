// The 548-byte EIF file header: magic, version, flags, defaults, and the section table.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace eifkit {

inline constexpr size_t kEifHeaderSize = 548;
inline constexpr size_t kMaxSections = 32;
inline constexpr std::array<uint8_t, 4> kEifMagic = {'.', 'e', 'i', 'f'};
inline constexpr uint16_t kEifVersion = 4;
inline constexpr uint16_t kEifFlagAarch64 = 1;
// The CRC covers header bytes 0..543: everything but the CRC field itself.
inline constexpr size_t kEifCrcCoveredHeaderBytes = 544;

enum class Arch { kX86_64, kAarch64 };

struct EifHeader {
  std::array<uint8_t, 4> magic = kEifMagic;
  uint16_t version = kEifVersion;
  uint16_t flags = 0;
  uint64_t default_mem = 1024ull * 1024 * 1024;  // what nitro-cli writes
  uint64_t default_cpus = 2;
  uint16_t reserved = 0;
  uint16_t num_sections = 0;
  std::array<uint64_t, kMaxSections> section_offsets{};  // of each section's header
  std::array<uint64_t, kMaxSections> section_sizes{};    // of each section's data
  uint32_t unused = 0;
  uint32_t crc32 = 0;
};

std::array<uint8_t, kEifHeaderSize> encode_eif_header(const EifHeader& h);
EifHeader decode_eif_header(const uint8_t* bytes);

Arch header_arch(const EifHeader& h);
const char* arch_name(Arch arch);  // "x86_64" or "aarch64"

// What is wrong with a header read from a file of `file_size` bytes, before any section is
// trusted: magic, version, section count, unused table slots, every section inside the file
// and no two overlapping. nullopt when the table is sound.
std::optional<std::string> eif_header_problem(const EifHeader& h, uint64_t file_size);

}  // namespace eifkit
