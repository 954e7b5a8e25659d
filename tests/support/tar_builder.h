// Writes layer tars with every kind of entry a flattening test needs (devices, setuid bits,
// owners, whiteouts, xattrs, long and non-ASCII names), through libarchive's writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/image/tar_reader.h"

namespace eifkit::test {

struct TarSpec {
  std::string path;
  TarEntry::Type type = TarEntry::Type::kFile;
  uint32_t mode = 0644;
  uint32_t uid = 0, gid = 0;
  int64_t mtime = 1700000000;
  std::string data;  // files
  std::string link;  // symlink target or hard link target
  uint32_t rdev_major = 0, rdev_minor = 0;
  bool xattr = false;  // adds security.capability

  static TarSpec file(std::string p, std::string d, uint32_t mode = 0644) {
    TarSpec s;
    s.path = std::move(p);
    s.data = std::move(d);
    s.mode = mode;
    return s;
  }
  static TarSpec dir(std::string p, uint32_t mode = 0755) {
    TarSpec s;
    s.path = std::move(p);
    s.type = TarEntry::Type::kDirectory;
    s.mode = mode;
    return s;
  }
  static TarSpec symlink(std::string p, std::string target) {
    TarSpec s;
    s.path = std::move(p);
    s.type = TarEntry::Type::kSymlink;
    s.mode = 0777;
    s.link = std::move(target);
    return s;
  }
  static TarSpec hardlink(std::string p, std::string target) {
    TarSpec s;
    s.path = std::move(p);
    s.type = TarEntry::Type::kHardlink;
    s.link = std::move(target);
    return s;
  }
  static TarSpec whiteout(const std::string& dir, const std::string& name) {
    return file((dir.empty() ? "" : dir + "/") + ".wh." + name, "");
  }
};

// pax format, so long and non-ASCII names and xattrs are kept.
void write_layer_tar(const std::string& path, const std::vector<TarSpec>& entries);

// A classic `docker save` archive from layer tars and a runtime config ("Cmd", "Env", ...),
// for the platform linux/`arch`, tagged boot-test:1.
void write_docker_archive(const std::string& path, const std::vector<std::string>& layer_tars,
                          const nlohmann::json& runtime, const std::string& arch = "amd64");

}  // namespace eifkit::test
