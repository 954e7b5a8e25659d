#include "lib/base/atomic_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

static File make_temp_beside(const std::string& target, std::string& temp_path, unsigned mode) {
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  if (base.empty()) fail(target, "output path names a directory");
  std::string pattern = dir + "." + base + ".XXXXXX.tmp";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = ::mkstemps(buf.data(), 4);
  if (fd < 0) fail_errno(target, "cannot create a temporary file beside the output");
  temp_path.assign(buf.data());
  File f(fd, target);
  // mkstemp creates 0600; give the final file the usual mode, honouring the umask.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, static_cast<mode_t>(mode) & ~mask) != 0) {
    ::unlink(temp_path.c_str());
    fail_errno(target, "cannot set the output's mode");
  }
  return f;
}

AtomicOutput::AtomicOutput(std::string target, unsigned mode)
    : target_(std::move(target)), file_(make_temp_beside(target_, temp_path_, mode)) {}

AtomicOutput::~AtomicOutput() {
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicOutput::commit() {
  if (::fsync(file_.fd()) != 0) fail_errno(target_, "cannot flush the output");
  file_.close();
  if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    fail_errno(target_, "cannot move the finished output into place");
  }
  committed_ = true;
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
