#include "lib/image/docker_info.h"

namespace eifkit {

nlohmann::json docker_info(const ImageInfo& info) {
  const nlohmann::json& c = info.config;
  auto field = [&](const char* key) { return c.contains(key) ? c[key] : nlohmann::json(); };
  nlohmann::json rootfs = field("rootfs");
  nlohmann::json j = {
      {"Id", info.id},
      {"RepoTags", info.repo_tags},
      {"Created", field("created")},
      {"Architecture", field("architecture")},
      {"Os", field("os")},
      {"Config", field("config")},
      {"RootFS",
       {{"Type", rootfs.is_object() && rootfs.contains("type") ? rootfs["type"] : "layers"},
        {"Layers", rootfs.is_object() && rootfs.contains("diff_ids") ? rootfs["diff_ids"]
                                                                     : nlohmann::json::array()}}},
  };
  if (c.contains("variant")) j["Variant"] = c["variant"];
  return j;
}

std::string default_image_name(const ImageInfo& info) {
  if (info.repo_tags.empty()) return default_image_version(info);
  const std::string& tag = info.repo_tags.front();
  size_t colon = tag.rfind(':');
  // A colon before the last slash belongs to a registry port, not a tag.
  if (colon == std::string::npos ||
      (tag.rfind('/') != std::string::npos && colon < tag.rfind('/'))) {
    return tag;
  }
  return tag.substr(0, colon);
}

std::string default_image_version(const ImageInfo& info) {
  const std::string prefix = "sha256:";
  return info.id.rfind(prefix, 0) == 0 ? info.id.substr(prefix.size()) : info.id;
}

}  // namespace eifkit
