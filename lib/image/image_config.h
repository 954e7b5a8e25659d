// What eifkit takes from an image config beyond handing it on: the platform it was built for
// and the diff_ids its layers must match.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/image/image_source.h"

namespace eifkit {

// architecture, os and variant; fields absent from the config stay empty ("linux" for os).
Platform config_platform(const nlohmann::json& config);

// rootfs.diff_ids, each a valid sha256 digest; `where` names the config in errors.
std::vector<std::string> config_diff_ids(const nlohmann::json& config, const std::string& where);

}  // namespace eifkit
