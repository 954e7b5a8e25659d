// Platform strings as docker's --platform takes them: OS/ARCH[/VARIANT], with the kernel's
// names for the two architectures an enclave can run accepted as aliases.
#include <string_view>
#include <vector>

#include "lib/base/error.h"
#include "lib/image/image_source.h"

namespace eifkit {

static bool valid_part(std::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

static std::string oci_architecture(const std::string& arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  return arch;
}

Platform Platform::parse(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    parts.push_back(text.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  bool ok = parts.size() == 2 || parts.size() == 3;
  for (const auto& p : parts) ok = ok && valid_part(p);
  if (!ok) {
    throw Error("invalid platform \"" + text +
                "\": expected OS/ARCH[/VARIANT] in lowercase, e.g. linux/arm64");
  }
  Platform p;
  p.os = parts[0];
  p.architecture = oci_architecture(parts[1]);
  if (parts.size() == 3) p.variant = parts[2];
  return p;
}

std::string Platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

bool Platform::matches(const Platform& other) const {
  return os == other.os && architecture == other.architecture &&
         (variant.empty() || other.variant.empty() || variant == other.variant);
}

}  // namespace eifkit
