#include "tests/support/tar_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdexcept>

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

}  // namespace eifkit::test
