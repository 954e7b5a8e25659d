#include "lib/ramdisk/kernel_config.h"

#include <fstream>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

KernelInfo parse_kernel_config_line(const std::string& line) {
  std::vector<std::string> pieces(1);
  for (char c : line) {
    if (c == ' ' || c == '/' || c == '-') {
      pieces.emplace_back();
    } else {
      pieces.back().push_back(c);
    }
  }
  KernelInfo info;
  if (pieces.size() > 1 && !pieces[1].empty()) info.operating_system = pieces[1];
  if (pieces.size() > 3 && !pieces[3].empty()) info.kernel_version = pieces[3];
  return info;
}

KernelInfo read_kernel_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open kernel config");
  std::string line;
  for (int i = 0; i < 3; ++i) {
    if (!std::getline(in, line)) return KernelInfo{};  // too short: nitro-cli panics; we don't
  }
  return parse_kernel_config_line(line);
}

}  // namespace eifkit
