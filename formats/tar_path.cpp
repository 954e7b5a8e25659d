#include "formats/tar_path.h"

namespace eifkit {

std::optional<std::vector<std::string>> clean_tar_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  return parts;
}

std::string join_path(const std::vector<std::string>& components) {
  std::string out;
  for (const auto& c : components) {
    if (!out.empty()) out.push_back('/');
    out += c;
  }
  return out;
}

std::optional<std::string> whiteout_target(std::string_view name) {
  if (name == kOpaqueWhiteout || name.substr(0, kWhiteoutPrefix.size()) != kWhiteoutPrefix) {
    return std::nullopt;
  }
  std::string_view target = name.substr(kWhiteoutPrefix.size());
  if (target.empty()) return std::nullopt;
  return std::string(target);
}

}  // namespace eifkit
