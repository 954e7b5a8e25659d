#include "lib/base/atomic_output.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

namespace {

struct SplitPath {
  std::string dir;   // "" or ending in '/'
  std::string base;  // the file name
};

SplitPath split(const std::string& target) {
  size_t slash = target.rfind('/');
  if (slash == std::string::npos) return {"", target};
  return {target.substr(0, slash + 1), target.substr(slash + 1)};
}

void refuse_directory_target(const std::string& target) {
  struct stat st;
  if (split(target).base.empty() || (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) {
    fail(target, "output path names a directory");
  }
}

bool proc_fd_available() {
  return ::access("/proc/self/fd", X_OK) == 0;
}

std::string proc_fd_path(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

std::string random_suffix() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[6];
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(std::rand());
  }
  std::string s;
  for (unsigned char b : bytes) s += kChars[b % (sizeof kChars - 1)];
  return s;
}

}  // namespace

AtomicOutput::AtomicOutput(std::string target, unsigned mode)
    : target_(std::move(target)), file_(-1, target_) {
  refuse_directory_target(target_);
  SplitPath parts = split(target_);
  std::string dir = parts.dir.empty() ? "." : parts.dir;
  int fd = -1;
  if (proc_fd_available()) {
    // The kernel applies the umask to `mode`, as for any new file.
    fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, static_cast<mode_t>(mode));
  }
  if (fd >= 0) {
    anonymous_ = true;
  } else {
    if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == EROFS) {
      fail_errno(target_, "cannot create a temporary file beside the output");
    }
    std::string pattern = parts.dir + "." + parts.base + ".XXXXXX.tmp";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    fd = ::mkostemps(buf.data(), 4, O_CLOEXEC);
    if (fd < 0) fail_errno(target_, "cannot create a temporary file beside the output");
    temp_path_.assign(buf.data());
    cleanup_.emplace(temp_path_);
    // mkstemp creates 0600; give the final file the usual mode, honouring the umask.
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, static_cast<mode_t>(mode) & ~mask) != 0) {
      ::close(fd);
      ::unlink(temp_path_.c_str());
      fail_errno(target_, "cannot set the output's mode");
    }
  }
  file_ = File(fd, target_);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

std::string AtomicOutput::read_path() const {
  return anonymous_ ? proc_fd_path(file_.fd()) : temp_path_;
}

void AtomicOutput::finish() {
  if (::fsync(file_.fd()) != 0) fail_errno(target_, "cannot flush the output");
  if (anonymous_ && temp_path_.empty()) {
    // rename() needs a name: the finished file gets one beside the target for an instant.
    SplitPath parts = split(target_);
    for (int attempt = 0; temp_path_.empty(); ++attempt) {
      std::string name = parts.dir + "." + parts.base + "." + random_suffix() + ".tmp";
      if (::linkat(AT_FDCWD, proc_fd_path(file_.fd()).c_str(), AT_FDCWD, name.c_str(),
                   AT_SYMLINK_FOLLOW) == 0) {
        temp_path_ = name;
        cleanup_.emplace(temp_path_);
      } else if (errno != EEXIST || attempt > 100) {
        fail_errno(target_, "cannot name the finished output");
      }
    }
  }
  file_.close();
}

void AtomicOutput::rename_into_place() {
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    fail_errno(target_, "cannot move the finished output into place");
  }
  committed_ = true;
  cleanup_.reset();
}

void AtomicOutput::commit() {
  finish();
  rename_into_place();
}

AtomicOutput& AtomicOutputs::add(std::string target, unsigned mode) {
  outputs_.push_back(std::make_unique<AtomicOutput>(std::move(target), mode));
  return *outputs_.back();
}

void AtomicOutputs::commit() {
  for (auto& out : outputs_) out->finish();
  for (auto& out : outputs_) out->rename_into_place();
}

void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes, unsigned mode) {
  AtomicOutput out(path, mode);
  out.file().write_all(bytes);
  out.commit();
}

void write_file_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

}  // namespace eifkit
