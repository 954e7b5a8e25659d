#include "lib/image/archive_members.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {
namespace {

// One sequential pass over the archive through libarchive, reading the file by offset so
// several passes can share one descriptor.
class TarPass {
 public:
  explicit TarPass(std::shared_ptr<File> file)
      : file_(std::move(file)),
        file_size_(file_->size()),
        owner_(archive_read_new(), archive_read_free) {
    a_ = owner_.get();
    if (!a_) throw std::bad_alloc();
    archive_read_support_format_tar(a_);
    // A missing built-in decoder makes libarchive fall back to an external program (WARN);
    // either way the archive can be read.
    archive_read_support_filter_gzip(a_);
    archive_read_support_filter_zstd(a_);
    archive_read_set_callback_data(a_, this);
    archive_read_set_read_callback(a_, &TarPass::read_cb);
    archive_read_set_skip_callback(a_, &TarPass::skip_cb);
    archive_read_set_seek_callback(a_, &TarPass::seek_cb);
    if (archive_read_open1(a_) != ARCHIVE_OK) fail(file_->path(), "not a tar archive: " + why());
  }
  TarPass(const TarPass&) = delete;
  TarPass& operator=(const TarPass&) = delete;

  // The next header, or nullptr at the end of the archive.
  archive_entry* next() {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(a_, &entry);
    if (rc == ARCHIVE_EOF) return nullptr;
    if (rc < ARCHIVE_WARN) {
      fail(file_->path(), (count_ == 0 ? "not a tar archive: " : "corrupt tar archive: ") + why());
    }
    ++count_;
    return entry;
  }

  size_t read_data(std::span<uint8_t> buf, const std::string& member) {
    la_ssize_t n = archive_read_data(a_, buf.data(), buf.size());
    if (n < 0) fail(file_->path(), member + ": " + why());
    return static_cast<size_t>(n);
  }

 private:
  std::string why() const {
    const char* msg = archive_error_string(a_);
    return msg ? msg : "unknown libarchive error";
  }

  static la_ssize_t read_cb(archive* a, void* self_ptr, const void** out) {
    auto* self = static_cast<TarPass*>(self_ptr);
    self->buf_.resize(1 << 16);
    for (;;) {
      ssize_t n = ::pread(self->file_->fd(), self->buf_.data(), self->buf_.size(),
                          static_cast<off_t>(self->offset_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        archive_set_error(a, errno, "read failed: %s", std::strerror(errno));
        return -1;
      }
      self->offset_ += static_cast<uint64_t>(n);
      *out = self->buf_.data();
      return n;
    }
  }

  // Skipping and seeking only move the offset the next read starts at.
  static la_int64_t skip_cb(archive*, void* self_ptr, la_int64_t request) {
    auto* self = static_cast<TarPass*>(self_ptr);
    uint64_t left = self->file_size_ - std::min(self->offset_, self->file_size_);
    uint64_t n = std::min<uint64_t>(static_cast<uint64_t>(std::max<la_int64_t>(request, 0)), left);
    self->offset_ += n;
    return static_cast<la_int64_t>(n);
  }

  static la_int64_t seek_cb(archive* a, void* self_ptr, la_int64_t offset, int whence) {
    auto* self = static_cast<TarPass*>(self_ptr);
    la_int64_t base = whence == SEEK_SET   ? 0
                      : whence == SEEK_CUR ? static_cast<la_int64_t>(self->offset_)
                                           : static_cast<la_int64_t>(self->file_size_);
    la_int64_t target = base + offset;
    if (target < 0) {
      archive_set_error(a, EINVAL, "seek before the start of the file");
      return ARCHIVE_FATAL;
    }
    self->offset_ = static_cast<uint64_t>(target);
    return target;
  }

  std::shared_ptr<File> file_;
  uint64_t file_size_;
  // Owned from the first line, so a constructor that throws still frees it.
  std::unique_ptr<archive, decltype(&archive_read_free)> owner_{nullptr, archive_read_free};
  archive* a_ = nullptr;
  uint64_t offset_ = 0;
  uint64_t count_ = 0;
  std::vector<uint8_t> buf_;
};

// A member's data, read from its own pass over the archive.
class MemberSource : public ByteSource {
 public:
  MemberSource(std::unique_ptr<TarPass> pass, std::string name)
      : pass_(std::move(pass)), name_(std::move(name)) {}
  size_t read(std::span<uint8_t> buf) override { return pass_->read_data(buf, name_); }

 private:
  std::unique_ptr<TarPass> pass_;
  std::string name_;
};

// Member names as written by tar tools: "./manifest.json", "/blobs/..." and "blobs//x" all
// name the same thing. Names climbing out with ".." cannot be referred to, so they are dropped.
std::optional<std::string> member_name(const char* raw) {
  if (!raw) return std::nullopt;
  std::string_view name(raw);
  while (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return normalize_relative(name);
}

std::string parent_of(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(0, slash + 1);
}

}  // namespace

ArchiveMembers::ArchiveMembers(std::string path)
    : path_(std::move(path)), file_(std::make_shared<File>(File::open_read(path_))) {
  TarPass pass(file_);
  uint64_t ordinal = 0;
  for (archive_entry* entry; (entry = pass.next()) != nullptr; ++ordinal) {
    std::optional<std::string> name = member_name(archive_entry_pathname(entry));
    if (!name) continue;
    Member m;
    m.ordinal = ordinal;
    if (const char* hard = archive_entry_hardlink(entry)) {
      m.kind = Member::Kind::kHardlink;
      std::optional<std::string> target = member_name(hard);
      m.target_escapes = !target;
      if (target) m.target = *target;
    } else if (archive_entry_filetype(entry) == AE_IFLNK) {
      m.kind = Member::Kind::kSymlink;
      const char* link = archive_entry_symlink(entry);
      std::optional<std::string> target;
      if (link && link[0] != '/') target = normalize_relative(parent_of(*name) + link);
      m.target_escapes = !target;
      if (target) m.target = *target;
    } else if (archive_entry_filetype(entry) == AE_IFREG) {
      m.size = static_cast<uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
    } else {
      members_.erase(*name);  // a directory or device now stands at this name
      continue;
    }
    members_[*name] = std::move(m);
  }
}

const ArchiveMembers::Member* ArchiveMembers::find_file(const std::string& name) const {
  std::string current = name;
  // Bounded, so a link cycle ends as "missing".
  for (int hops = 0; hops < 16; ++hops) {
    auto it = members_.find(current);
    if (it == members_.end()) return nullptr;
    const Member& m = it->second;
    if (m.kind == Member::Kind::kFile) return &m;
    if (m.target_escapes) fail(path_, current + " is a link pointing outside the archive");
    current = m.target;
  }
  return nullptr;
}

std::optional<uint64_t> ArchiveMembers::size(const std::string& name) {
  const Member* m = find_file(name);
  if (!m) return std::nullopt;
  return m->size;
}

std::unique_ptr<ByteSource> ArchiveMembers::open(const std::string& name) {
  const Member* m = find_file(name);
  if (!m) fail(path_, name + " is missing from the archive");
  auto pass = std::make_unique<TarPass>(file_);
  for (uint64_t i = 0;; ++i) {
    if (!pass->next()) fail(path_, name + " is missing from the archive");
    if (i == m->ordinal) break;
  }
  return std::make_unique<MemberSource>(std::move(pass), name);
}

}  // namespace eifkit
