// The file list of one ramdisk, read while the EIF is measured: each cpio entry's header,
// symlink target and content digest, sorted by path in bounded memory. Compressed ramdisks
// (gzip, zstd: what other builders and the kernel's unpacker use) are read through the
// decompressor.
#pragma once

#include <cstdint>
#include <string>

#include "lib/base/byte_source.h"
#include "lib/diff/external_sort.h"

namespace eifkit {

// What an unpacked ramdisk may hold before diff stops reading it: an enclave must fit the
// EIF and the unpacked ramdisk in its memory, so more is a mistake or an attack.
inline constexpr uint64_t kMaxUnpackedRamdisk = uint64_t{16} << 30;

struct RamdiskFiles {
  std::string compression = "none";  // "gzip", "zstd", or what was found and not read
  bool read = false;                 // every entry was read; otherwise `problem` says why
  std::string problem;
  uint64_t entries = 0;  // the trailer not counted
  ExternalSort by_name;  // encode_entry records
};

// Reads the entries of `data` into `out`. A ramdisk diff cannot read file by file (an
// unknown compression, a damaged archive, too many entries) is not an Error: `out.problem`
// says why, and its bytes are still compared. `name` prefixes problems ("a.eif: ramdisk 1").
void read_ramdisk_files(ByteSource& data, const std::string& name, RamdiskFiles& out);

}  // namespace eifkit
