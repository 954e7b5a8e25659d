// One cpio entry of a ramdisk as diff compares it: every header field, the symlink target,
// and a digest of the data instead of the data. Encoded as a record that sorts by name, then
// by position, so two ramdisks can be merged by path in bounded memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/hash/sha256.h"

namespace eifkit {

struct RamdiskEntry {
  std::string name;
  uint64_t position = 0;  // in the archive, from 0
  uint32_t ino = 0, mode = 0, uid = 0, gid = 0, nlink = 0, mtime = 0, size = 0;
  uint32_t dev_major = 0, dev_minor = 0, rdev_major = 0, rdev_minor = 0;
  std::string target;   // a symlink's data
  Digest256 content{};  // SHA-256 of the data (of nothing for an entry without)
};

// name, NUL, then the rest: names hold no NUL, so records sort by name first.
std::string encode_entry(const RamdiskEntry& e);
RamdiskEntry decode_entry(std::string_view record);

}  // namespace eifkit
