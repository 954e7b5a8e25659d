#include "lib/eif/metadata.h"

#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/json_read.h"

namespace eifkit {

// nitro-cli refuses custom metadata over 4 KiB; eifkit allows more but bounds what it reads.
static constexpr uint64_t kMaxCustomMetadataSize = 1 << 20;

// JSON strings must be UTF-8; nlohmann throws type_error on dump otherwise.
static void require_utf8(const std::string& value, const char* field) {
  try {
    (void)nlohmann::json(value).dump();
  } catch (const nlohmann::json::type_error&) {
    throw Error(std::string("metadata: ") + field + " is not valid UTF-8");
  }
}

std::vector<uint8_t> encode_metadata(const ImageMetadata& m) {
  require_utf8(m.image_name, "ImageName");
  require_utf8(m.image_version, "ImageVersion");
  require_utf8(m.build_time, "BuildTime");
  require_utf8(m.build_tool, "BuildTool");
  require_utf8(m.build_tool_version, "BuildToolVersion");
  require_utf8(m.operating_system, "OperatingSystem");
  require_utf8(m.kernel_version, "KernelVersion");
  using ordered = nlohmann::ordered_json;
  ordered build = ordered::object();
  build["BuildTime"] = m.build_time;
  build["BuildTool"] = m.build_tool;
  build["BuildToolVersion"] = m.build_tool_version;
  build["OperatingSystem"] = m.operating_system;
  build["KernelVersion"] = m.kernel_version;
  if (!m.init_sha384.empty()) build["EifkitInitSha384"] = m.init_sha384;
  ordered doc = ordered::object();
  doc["ImageName"] = m.image_name;
  doc["ImageVersion"] = m.image_version;
  doc["BuildMetadata"] = std::move(build);
  // Through text: an ordered_json built from a sorted json keeps the sorted key order.
  doc["DockerInfo"] = ordered::parse(m.docker_info.dump());
  doc["CustomMetadata"] = ordered::parse(m.custom_metadata.dump());
  std::string text = doc.dump();
  return {text.begin(), text.end()};
}

nlohmann::json read_custom_metadata(const std::string& path) {
  std::vector<uint8_t> bytes = read_small_file(path, kMaxCustomMetadataSize);
  return parse_json(bytes, path);
}

}  // namespace eifkit
