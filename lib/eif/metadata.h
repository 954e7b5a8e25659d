// The EIF metadata section: compact JSON in the reference builder's key order. Not measured.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eifkit {

struct ImageMetadata {
  std::string image_name;
  std::string image_version;
  std::string build_time;  // RFC 3339
  std::string build_tool = "eifkit";
  std::string build_tool_version = EIFKIT_VERSION;
  std::string operating_system;
  std::string kernel_version;
  std::string init_sha384;         // eifkit's own init's, when it was used; else left out
  nlohmann::json docker_info;      // null when built without a container image
  nlohmann::json custom_metadata;  // null when none was given
};

// ImageName, ImageVersion, BuildMetadata{BuildTime, BuildTool, BuildToolVersion,
// OperatingSystem, KernelVersion[, EifkitInitSha384]}, DockerInfo, CustomMetadata — in that
// order. EifkitInitSha384 is eifkit's own: readers of the reference format ignore it.
std::vector<uint8_t> encode_metadata(const ImageMetadata& m);

// Reads a user's --metadata file: must be a JSON value. Its object keys come out sorted,
// as the reference builder re-serialises them.
nlohmann::json read_custom_metadata(const std::string& path);

}  // namespace eifkit
