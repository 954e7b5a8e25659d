#include "lib/ramdisk/ramdisk_layout.h"

namespace eifkit {

const char* layout_name(RamdiskLayout layout) {
  return layout == RamdiskLayout::kNitroCli ? "nitro-cli" : "eifkit";
}

std::optional<RamdiskLayout> parse_layout(const std::string& name) {
  if (name == "eifkit") return RamdiskLayout::kEifkit;
  if (name == "nitro-cli") return RamdiskLayout::kNitroCli;
  return std::nullopt;
}

}  // namespace eifkit
