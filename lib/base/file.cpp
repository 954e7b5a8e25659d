#include "lib/base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/error.h"

namespace eifkit {

File File::open_read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno(path, "cannot open");
  File f(fd, path);
  struct stat st;
  if (::fstat(fd, &st) != 0) fail_errno(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) fail(path, "is a directory, expected a file");
  return f;
}

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

uint64_t File::size() const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) fail_errno(path_, "cannot stat");
  return static_cast<uint64_t>(st.st_size);
}

size_t File::read_some(std::span<uint8_t> buf) {
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) fail_errno(path_, "read failed");
  }
}

void File::pread_exact(std::span<uint8_t> buf, uint64_t offset) {
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n =
        ::pread(fd_, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path_, "read failed");
    if (n == 0) fail(path_, "unexpected end of file at byte " + std::to_string(offset + done));
    done += static_cast<size_t>(n);
  }
}

void File::write_all(std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path_, "write failed");
    done += static_cast<size_t>(n);
  }
}

void File::pwrite_all(std::span<const uint8_t> data, uint64_t offset) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path_, "write failed");
    done += static_cast<size_t>(n);
  }
}

void File::close() {
  if (fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail_errno(path_, "close failed");
}

std::vector<uint8_t> read_small_file(const std::string& path, uint64_t max_bytes) {
  File f = File::open_read(path);
  uint64_t size = f.size();
  if (size > max_bytes) {
    fail(path, "too large (" + std::to_string(size) + " bytes, at most " +
                   std::to_string(max_bytes) + ")");
  }
  std::vector<uint8_t> data(size);
  size_t done = 0;
  while (done < data.size()) {
    size_t n = f.read_some(std::span(data).subspan(done));
    if (n == 0) break;
    done += n;
  }
  data.resize(done);
  return data;
}

uint64_t regular_file_size(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace eifkit
