#include "lib/base/spool_file.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "lib/base/error.h"

namespace eifkit {

static File open_anonymous_temp() {
  const char* env = std::getenv("TMPDIR");
  std::string dir = env && *env ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return File(fd, dir + " (spool)");
  // Filesystems without O_TMPFILE: create, then unlink at once.
  std::string pattern = dir + "/eifkit-spool-XXXXXX";
  fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) fail_errno(dir, "cannot create a temporary file");
  ::unlink(pattern.c_str());
  return File(fd, dir + " (spool)");
}

SpoolFile::SpoolFile() : file_(open_anonymous_temp()) {}

uint64_t SpoolFile::size() const {
  std::lock_guard lock(*mutex_);
  return size_;
}

void SpoolFile::reserve(uint64_t bytes) {
  std::lock_guard lock(*mutex_);
  reserve_locked(bytes);
}

uint64_t SpoolFile::allocate(uint64_t bytes) {
  std::lock_guard lock(*mutex_);
  reserve_locked(bytes);
  uint64_t offset = size_;
  size_ += bytes;
  return offset;
}

void SpoolFile::reserve_locked(uint64_t bytes) {
  if (size_ + bytes <= checked_until_) return;
  struct statvfs fs {};
  if (::fstatvfs(file_.fd(), &fs) != 0) return;  // cannot tell: let the writes report it
  uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (bytes > free_bytes) {
    fail(file_.path(), "needs " + std::to_string(bytes) + " more bytes for file contents but " +
                           std::to_string(free_bytes) +
                           " are free there (set TMPDIR to a directory with more space)");
  }
  checked_until_ = size_ + bytes + (free_bytes - bytes) / 2;
}

void SpoolFile::append(std::span<const uint8_t> data) {
  uint64_t offset;
  {
    std::lock_guard lock(*mutex_);
    offset = size_;
    size_ += data.size();
  }
  file_.pwrite_all(data, offset);
}

}  // namespace eifkit
