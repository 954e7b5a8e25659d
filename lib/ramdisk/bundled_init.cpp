#include "lib/ramdisk/bundled_init.h"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "formats/hex.h"
#include "lib/base/file.h"
#include "lib/hash/sha384.h"

namespace eifkit {

// An init is a small static program; anything larger is not one of eifkit's.
static constexpr uint64_t kMaxInitSize = 64 << 20;

std::optional<std::string> bundled_init_path(Arch arch) {
  const bool arm = arch == Arch::kAarch64;
  std::vector<std::string> candidates;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    candidates.push_back(dir + (arm ? "/eifkit-init-aarch64" : "/eifkit-init"));
    candidates.push_back(dir + (arm ? "/../lib/eifkit/init-aarch64" : "/../lib/eifkit/init"));
  }
  candidates.push_back(std::string(EIFKIT_INSTALLED_INIT) + (arm ? "-aarch64" : ""));
  for (const std::string& path : candidates) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  }
  return std::nullopt;
}

std::string init_sha384(const std::string& path) {
  std::vector<uint8_t> bytes = read_small_file(path, kMaxInitSize);
  Digest384 d = sha384(bytes);
  return to_hex(d);
}

}  // namespace eifkit
