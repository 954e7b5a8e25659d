// What a file is, told by its first bytes: for messages that name what the user gave instead
// of what was wanted ("is a tar archive, not a kernel"), and for the compressions a ramdisk
// may use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace eifkit {

enum class FileKind {
  kUnknown,
  kTar,
  kEif,
  kCpio,
  kElf,
  kZip,
  kGzip,
  kZstd,
  kXz,
  kBzip2,
  kLz4,
  kLzma,
  kLzo,
};

// How much of the start of a file sniff_file_kind() looks at (a tar's magic is at 257).
inline constexpr size_t kFileKindHeadSize = 512;

FileKind sniff_file_kind(std::span<const uint8_t> head);
// "a tar archive", "an EIF", "a cpio archive", "an ELF file", "a zip archive", "gzip data",
// ..., "xz data"; "unknown data" for kUnknown.
const char* file_kind_description(FileKind kind);
// The compression's own name ("gzip", "xz", ...); nullptr for what is not a compression.
const char* compression_name(FileKind kind);

}  // namespace eifkit
