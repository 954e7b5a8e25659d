// Walks the entries of an uncompressed tar stream (libarchive: ustar, pax, GNU), reading
// each file's data in pieces. Nothing is held whole.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "lib/base/byte_source.h"

namespace eifkit {

struct TarEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kBlockDevice, kFifo };
  std::string path;  // as stored in the archive, not cleaned
  Type type = Type::kFile;
  uint32_t mode = 0;  // permission bits with setuid/setgid/sticky (07777)
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 0;
  uint64_t size = 0;        // data bytes; files only
  std::string link_target;  // symlink target, or the path a hard link points at
  uint32_t rdev_major = 0, rdev_minor = 0;
  size_t xattr_count = 0;  // extended attributes (incl. security.capability) on the entry
};

class TarReader {
 public:
  // `name` prefixes every error message, e.g. "app.tar: blobs/sha256/ab12…".
  TarReader(ByteSource& in, std::string name);
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // Advances to the next entry (skipping unread data); false at the end of the archive.
  bool next(TarEntry& entry);
  // Reads the current entry's data; 0 at its end. A stream shorter than the declared size
  // is an Error.
  size_t read_data(std::span<uint8_t> buf);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eifkit
