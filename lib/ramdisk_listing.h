// What the enclave will hold, without building it: the application ramdisk's entries in the
// order they are written (either layout), each with its header fields and a SHA-256 of its
// data. The listing is read back from the very bytes the ramdisk producer writes, so it cannot
// drift from what `build` puts into the EIF.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/image_build.h"

namespace eifkit {

struct ListedEntry {
  std::string name;
  uint32_t mode = 0;  // type bits and permission bits
  uint32_t uid = 0, gid = 0, nlink = 0, ino = 0, mtime = 0;
  uint32_t size = 0;  // data bytes (a symlink's target length)
  uint32_t rdev_major = 0, rdev_minor = 0;
  std::string target;  // symlinks
  std::string sha256;  // hex, regular files only
};

// Writes the ramdisk into a parser (nothing is stored) and calls `visit` for every entry.
void list_app_ramdisk(AppRamdisk& ramdisk, const std::function<void(const ListedEntry&)>& visit);

// {"Name", "Type", "Mode" ("0755"), "Uid", "Gid", "Size", "Mtime", "Ino", "Nlink", "Target",
// "Sha256", "Rdev"} (the last three when they apply; names that are not UTF-8 get NameBase64).
nlohmann::json listed_entry_json(const ListedEntry& e);

// `ls -l` style: "drwxr-xr-x 0/0 0 2017-04-18 16:30:00 rootfs/bin/", "-> target" for links.
std::string listed_entry_text(const ListedEntry& e);

}  // namespace eifkit
