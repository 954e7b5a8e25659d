// Reads an application ramdisk back into a file list a test can compare exactly: one line
// per entry, "name type mode uid:gid size nlink target-or-content-sha256".
#pragma once

#include <string>
#include <vector>

#include "lib/base/byte_source.h"

namespace eifkit::test {

struct RamdiskEntry {
  std::string name;
  char type = '?';  // d - l c b p
  uint32_t perm = 0, uid = 0, gid = 0, nlink = 0, ino = 0, mtime = 0;
  uint32_t size = 0, rdev_major = 0, rdev_minor = 0;
  std::string target;        // symlinks
  std::string sha256;        // regular files, hex
  std::string line() const;  // without ino and mtime: what must not depend on layering
};

std::vector<RamdiskEntry> list_ramdisk(ByteSource& cpio);
std::vector<RamdiskEntry> list_ramdisk_file(const std::string& path, uint64_t offset = 0,
                                            uint64_t size = UINT64_MAX);
// The application ramdisk (ramdisk #1) of an EIF.
std::vector<RamdiskEntry> list_app_ramdisk(const std::string& eif_path);
std::vector<std::string> lines(const std::vector<RamdiskEntry>& entries);

}  // namespace eifkit::test
