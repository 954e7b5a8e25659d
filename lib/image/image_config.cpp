#include "lib/image/image_config.h"

#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/hash/sha256.h"

namespace eifkit {

Platform config_platform(const nlohmann::json& config) {
  Platform p;
  auto text = [&](const char* key) -> std::string {
    auto it = config.find(key);
    return it != config.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!config.is_object()) return p;
  if (std::string os = text("os"); !os.empty()) p.os = os;
  p.architecture = text("architecture");
  p.variant = text("variant");
  return p;
}

std::vector<std::string> config_diff_ids(const nlohmann::json& config, const std::string& where) {
  const nlohmann::json& ids =
      array_field(object_field(config, "rootfs", where), "diff_ids", where + ": rootfs");
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (!id.is_string() || !is_sha256_digest(id.get<std::string>())) {
      throw Error(where + ": invalid diff_id " + id.dump());
    }
    out.push_back(id.get<std::string>());
  }
  return out;
}

}  // namespace eifkit
