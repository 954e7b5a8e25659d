#include "lib/ramdisk/bundled_init.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/hash/sha384.h"
#include "lib/ramdisk/installed_init.h"

namespace eifkit {

// An init is a small static program; anything larger is not one of eifkit's.
static constexpr uint64_t kMaxInitSize = 64 << 20;

// init/init.cmake compiles in what init/init.sha384 records.
#if !defined(EIFKIT_INIT_SHA384_X86_64) || !defined(EIFKIT_INIT_SHA384_AARCH64)
#error "init/init.cmake defines the recorded SHA-384s of the init"
#endif

const char* recorded_init_sha384(Arch arch) {
  return arch == Arch::kAarch64 ? EIFKIT_INIT_SHA384_AARCH64 : EIFKIT_INIT_SHA384_X86_64;
}

void check_bundled_init(const std::string& path, Arch arch) {
  std::string actual = init_sha384(path);
  std::string recorded = recorded_init_sha384(arch);
  if (actual == recorded) return;
  std::string what = "has SHA-384 ";
  what += actual;
  what += ", not the ";
  what += recorded;
  what += " that init/init.sha384 records for eifkit's ";
  what += arch_name(arch);
  what +=
      " init, so it would change PCR1: rebuild it with the toolchain init.sha384 names, "
      "or give --init";
  fail(path, what);
}

std::optional<std::string> bundled_init_path(Arch arch) {
  std::optional<std::string> path = find_bundled_init(arch);
  if (path) check_bundled_init(*path, arch);
  return path;
}

std::optional<std::string> find_bundled_init(Arch arch) {
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
  candidates.push_back(std::string(installed_init_path()) + (arm ? "-aarch64" : ""));
  for (const std::string& path : candidates) {
    struct stat st;
    // Normal form, so that --version and messages name /usr/lib/eifkit/init, not
    // /usr/bin/../lib/eifkit/init.
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      return std::filesystem::path(path).lexically_normal().string();
    }
  }
  return std::nullopt;
}

std::string init_sha384(const std::string& path) {
  std::vector<uint8_t> bytes = read_small_file(path, kMaxInitSize);
  Digest384 d = sha384(bytes);
  return to_hex(d);
}

}  // namespace eifkit
