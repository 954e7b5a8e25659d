// Reads any EIF (eifkit's, nitro-cli's, the reference builder's): validates the header and
// section table before trusting them, then streams every section once to recompute the PCRs
// and the CRC.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/eif_header.h"
#include "formats/signature_section.h"
#include "lib/base/byte_source.h"
#include "lib/base/file.h"
#include "lib/base/progress.h"
#include "lib/hash/measurements.h"

namespace eifkit {

// Sections larger than these (and kMaxSignatureSize) are refused before any is read into
// memory.
inline constexpr uint64_t kMaxMetadataSize = 16 << 20;
inline constexpr uint64_t kMaxCmdlineSize = 64 << 10;

struct EifSectionInfo {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint64_t offset = 0;  // of the section header
  uint64_t size = 0;    // of the data
  uint64_t data_offset() const { return offset + 12; }
};

struct EifImage {
  File file;
  uint64_t file_size = 0;
  EifHeader header;
  std::vector<EifSectionInfo> sections;  // in header-table order
};

struct EifScan {
  Measurements measurements;
  uint32_t computed_crc = 0;
  bool crc_ok = false;
  std::optional<nlohmann::json> metadata;         // parsed metadata section
  std::optional<std::vector<uint8_t>> signature;  // raw signature section
  std::vector<uint8_t> cmdline;
  std::vector<Digest384> section_sha384;  // one per section, when asked for
};

// What else one scan does with the bytes it reads, so that no caller reads an image twice.
struct ScanOptions {
  bool section_digests = false;  // fills EifScan::section_sha384
  // Reads ramdisk number `index` (counted from 0) as it is measured; what it leaves unread is
  // measured after it returns.
  std::function<void(size_t index, ByteSource& data)> read_ramdisk;
  // Begins a "reading EIF" phase over the file's size and counts the section bytes read.
  Progress* progress = nullptr;
};

// True when the file starts with the EIF magic: commands that take an EIF or a JSON file
// tell them apart by it.
bool has_eif_magic(const std::string& path);
// Opens and validates structure (header, table, section headers). Throws Error naming the
// file and the first problem found.
EifImage open_eif(const std::string& path);
// Streams every section once.
EifScan scan_eif(EifImage& image, const ScanOptions& options = {});
// "CRC mismatch (header 0x…, computed 0x…)", the one wording of a damaged image.
std::string crc_mismatch(const EifImage& image, const EifScan& scan);

}  // namespace eifkit
