#include "formats/file_kind.h"

#include <cstring>
#include <string_view>

namespace eifkit {

namespace {

struct Magic {
  FileKind kind;
  size_t offset;
  std::string_view bytes;
};

constexpr Magic kMagics[] = {
    {FileKind::kTar, 257, "ustar"},
    {FileKind::kEif, 0, ".eif"},
    {FileKind::kCpio, 0, "070701"},  // newc
    {FileKind::kCpio, 0, "070702"},  // newc with checksums
    {FileKind::kCpio, 0, "070707"},  // odc
    {FileKind::kElf, 0,
     "\x7f"
     "ELF"},
    {FileKind::kZip, 0, "PK\x03\x04"},
    {FileKind::kGzip, 0, "\x1f\x8b"},
    {FileKind::kZstd, 0, "\x28\xb5\x2f\xfd"},
    {FileKind::kXz, 0,
     std::string_view("\xfd"
                      "7zXZ\0",
                      6)},
    {FileKind::kBzip2, 0, "BZh"},
    {FileKind::kLz4, 0, "\x04\x22\x4d\x18"},  // frame format
    {FileKind::kLz4, 0, "\x02\x21\x4c\x18"},  // legacy format, as the kernel's unpacker reads
    {FileKind::kLzma, 0, std::string_view("\x5d\x00\x00", 3)},
    {FileKind::kLzo, 0, "\x89LZO"},
};

}  // namespace

FileKind sniff_file_kind(std::span<const uint8_t> head) {
  for (const Magic& m : kMagics) {
    if (head.size() >= m.offset + m.bytes.size() &&
        std::memcmp(head.data() + m.offset, m.bytes.data(), m.bytes.size()) == 0) {
      return m.kind;
    }
  }
  return FileKind::kUnknown;
}

const char* file_kind_description(FileKind kind) {
  switch (kind) {
    case FileKind::kTar:
      return "a tar archive";
    case FileKind::kEif:
      return "an EIF";
    case FileKind::kCpio:
      return "a cpio archive";
    case FileKind::kElf:
      return "an ELF file";
    case FileKind::kZip:
      return "a zip archive";
    case FileKind::kGzip:
      return "gzip data";
    case FileKind::kZstd:
      return "zstd data";
    case FileKind::kXz:
      return "xz data";
    case FileKind::kBzip2:
      return "bzip2 data";
    case FileKind::kLz4:
      return "lz4 data";
    case FileKind::kLzma:
      return "lzma data";
    case FileKind::kLzo:
      return "lzo data";
    case FileKind::kUnknown:
      break;
  }
  return "unknown data";
}

const char* compression_name(FileKind kind) {
  switch (kind) {
    case FileKind::kGzip:
      return "gzip";
    case FileKind::kZstd:
      return "zstd";
    case FileKind::kXz:
      return "xz";
    case FileKind::kBzip2:
      return "bzip2";
    case FileKind::kLz4:
      return "lz4";
    case FileKind::kLzma:
      return "lzma";
    case FileKind::kLzo:
      return "lzo";
    default:
      return nullptr;
  }
}

}  // namespace eifkit
