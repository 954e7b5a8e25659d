#include "lib/ramdisk/bundled_init.h"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace eifkit {

std::optional<std::string> bundled_init_path() {
  std::vector<std::string> candidates;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    candidates.push_back(dir + "/eifkit-init");
    candidates.push_back(dir + "/../lib/eifkit/init");
  }
  candidates.push_back(EIFKIT_INSTALLED_INIT);
  for (const std::string& path : candidates) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  }
  return std::nullopt;
}

}  // namespace eifkit
