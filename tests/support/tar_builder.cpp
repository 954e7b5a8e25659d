#include "tests/support/tar_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdexcept>

#include "formats/hex.h"
#include "lib/hash/sha256.h"
#include "tests/support/test_support.h"

namespace eifkit::test {

static mode_t file_type(TarEntry::Type t) {
  switch (t) {
    case TarEntry::Type::kDirectory:
      return AE_IFDIR;
    case TarEntry::Type::kSymlink:
      return AE_IFLNK;
    case TarEntry::Type::kCharDevice:
      return AE_IFCHR;
    case TarEntry::Type::kBlockDevice:
      return AE_IFBLK;
    case TarEntry::Type::kFifo:
      return AE_IFIFO;
    default:
      return AE_IFREG;
  }
}

void write_layer_tar(const std::string& path, const std::vector<TarSpec>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  // Names are bytes here; keep them as given whatever the test's locale.
  archive_write_set_options(a, "hdrcharset=BINARY");
  if (archive_write_open_filename(a, path.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error("cannot write " + path);
  }
  for (const TarSpec& s : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, s.path.c_str());
    archive_entry_set_filetype(e, file_type(s.type));
    archive_entry_set_perm(e, s.mode);
    archive_entry_set_uid(e, s.uid);
    archive_entry_set_gid(e, s.gid);
    archive_entry_set_mtime(e, s.mtime, 0);
    if (s.type == TarEntry::Type::kSymlink) archive_entry_set_symlink(e, s.link.c_str());
    if (s.type == TarEntry::Type::kHardlink) archive_entry_set_hardlink(e, s.link.c_str());
    if (s.type == TarEntry::Type::kCharDevice || s.type == TarEntry::Type::kBlockDevice) {
      archive_entry_set_rdevmajor(e, s.rdev_major);
      archive_entry_set_rdevminor(e, s.rdev_minor);
    }
    if (s.xattr) archive_entry_xattr_add_entry(e, "security.capability", "\x01\x00\x00\x02", 4);
    archive_entry_set_size(
        e, s.type == TarEntry::Type::kFile ? static_cast<la_int64_t>(s.data.size()) : 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) {
      const char* why = archive_error_string(a);
      throw std::runtime_error("tar header for " + s.path + ": " + (why ? why : "failed"));
    }
    if (s.type == TarEntry::Type::kFile && !s.data.empty()) {
      archive_write_data(a, s.data.data(), s.data.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

static std::string digest(const std::vector<uint8_t>& bytes) {
  return "sha256:" + to_hex(sha256(bytes));
}

void write_docker_archive(const std::string& path, const std::vector<std::string>& layer_tars,
                          const nlohmann::json& runtime, const std::string& arch) {
  nlohmann::json config = {{"architecture", arch}, {"os", "linux"}, {"config", runtime}};
  nlohmann::json diff_ids = nlohmann::json::array();
  std::vector<TarSpec> members;
  nlohmann::json layers = nlohmann::json::array();
  for (size_t i = 0; i < layer_tars.size(); ++i) {
    auto bytes = read_bytes(layer_tars[i]);
    diff_ids.push_back(digest(bytes));
    std::string name = "layer" + std::to_string(i) + ".tar";
    members.push_back(TarSpec::file(name, std::string(bytes.begin(), bytes.end())));
    layers.push_back(name);
  }
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  std::string config_text = config.dump();
  std::string config_hex = digest({config_text.begin(), config_text.end()}).substr(7);
  members.push_back(TarSpec::file(config_hex + ".json", config_text));
  nlohmann::json manifest = nlohmann::json::array(
      {{{"Config", config_hex + ".json"}, {"RepoTags", {"boot-test:1"}}, {"Layers", layers}}});
  members.push_back(TarSpec::file("manifest.json", manifest.dump()));
  write_layer_tar(path, members);
}

}  // namespace eifkit::test
