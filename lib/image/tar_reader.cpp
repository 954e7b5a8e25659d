#include "lib/image/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <vector>

#include "lib/base/error.h"

namespace eifkit {

struct TarReader::Impl {
  ByteSource& in;
  std::string name;
  archive* a = archive_read_new();
  std::vector<uint8_t> buf = std::vector<uint8_t>(1 << 16);
  // An exception thrown inside a libarchive callback must not cross C frames; it is kept
  // here and rethrown once libarchive returns.
  std::exception_ptr pending;

  Impl(ByteSource& source, std::string n) : in(source), name(std::move(n)) {}
  ~Impl() { archive_read_free(a); }

  [[noreturn]] void fail_archive(const std::string& what) {
    if (pending) std::rethrow_exception(pending);
    const char* detail = archive_error_string(a);
    throw Error(name + ": " + what + (detail ? std::string(": ") + detail : ""));
  }
};

TarReader::TarReader(ByteSource& in, std::string name)
    : impl_(std::make_unique<Impl>(in, std::move(name))) {
  archive* a = impl_->a;
  if (!a) throw Error(impl_->name + ": out of memory");
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  archive_read_support_filter_none(a);
  // Captureless, so it converts to the C callback libarchive takes.
  auto read_callback = [](archive*, void* data, const void** out) -> la_ssize_t {
    auto* impl = static_cast<Impl*>(data);
    try {
      size_t n = impl->in.read(impl->buf);
      *out = impl->buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      impl->pending = std::current_exception();
      return -1;
    }
  };
  if (archive_read_open(a, impl_.get(), nullptr, read_callback, nullptr) != ARCHIVE_OK) {
    impl_->fail_archive("not a tar archive");
  }
}

TarReader::~TarReader() = default;

static TarEntry::Type entry_type(archive_entry* e, bool& known) {
  known = true;
  if (archive_entry_hardlink(e)) return TarEntry::Type::kHardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG:
      return TarEntry::Type::kFile;
    case AE_IFDIR:
      return TarEntry::Type::kDirectory;
    case AE_IFLNK:
      return TarEntry::Type::kSymlink;
    case AE_IFCHR:
      return TarEntry::Type::kCharDevice;
    case AE_IFBLK:
      return TarEntry::Type::kBlockDevice;
    case AE_IFIFO:
      return TarEntry::Type::kFifo;
    default:
      known = false;
      return TarEntry::Type::kFile;
  }
}

// Names as stored: pax records them as UTF-8, which libarchive would otherwise convert to the
// process's locale (and fail to, under "C"); ustar names are raw bytes.
static const char* text_field(const char* utf8, const char* raw) {
  return utf8 ? utf8 : raw;
}

bool TarReader::next(TarEntry& entry) {
  archive_entry* e = nullptr;
  int rc = archive_read_next_header(impl_->a, &e);
  if (rc == ARCHIVE_EOF) return false;
  if (rc < ARCHIVE_WARN) impl_->fail_archive("corrupt tar data");
  entry = TarEntry{};
  const char* path = text_field(archive_entry_pathname_utf8(e), archive_entry_pathname(e));
  if (!path || !*path) throw Error(impl_->name + ": an entry has no readable path");
  entry.path = path;
  bool known = false;
  entry.type = entry_type(e, known);
  if (!known) {
    throw Error(impl_->name + ": " + entry.path + ": unsupported file type (sockets and " +
                "unknown types cannot travel in a ramdisk)");
  }
  entry.mode = static_cast<uint32_t>(archive_entry_perm(e)) & 07777;
  entry.uid = static_cast<uint32_t>(archive_entry_uid(e));
  entry.gid = static_cast<uint32_t>(archive_entry_gid(e));
  entry.mtime = archive_entry_mtime(e);
  if (entry.type == TarEntry::Type::kFile) {
    la_int64_t size = archive_entry_size(e);
    entry.size = size > 0 ? static_cast<uint64_t>(size) : 0;
  }
  if (entry.type == TarEntry::Type::kHardlink || entry.type == TarEntry::Type::kSymlink) {
    const char* target = entry.type == TarEntry::Type::kHardlink
                             ? text_field(archive_entry_hardlink_utf8(e), archive_entry_hardlink(e))
                             : text_field(archive_entry_symlink_utf8(e), archive_entry_symlink(e));
    if (!target) throw Error(impl_->name + ": " + entry.path + ": link target is unreadable");
    entry.link_target = target;
  }
  if (entry.type == TarEntry::Type::kCharDevice || entry.type == TarEntry::Type::kBlockDevice) {
    entry.rdev_major = static_cast<uint32_t>(archive_entry_rdevmajor(e));
    entry.rdev_minor = static_cast<uint32_t>(archive_entry_rdevminor(e));
  }
  entry.xattr_count = static_cast<size_t>(archive_entry_xattr_count(e));
  return true;
}

size_t TarReader::read_data(std::span<uint8_t> buf) {
  la_ssize_t n = archive_read_data(impl_->a, buf.data(), buf.size());
  if (n < 0) impl_->fail_archive("truncated or corrupt tar data");
  return static_cast<size_t>(n);
}

}  // namespace eifkit
