// Which application ramdisk an image build writes: eifkit's canonical one, or nitro-cli's
// (the same bytes `nitro-cli build-enclave` writes, quirks included, for nitro-cli's PCRs).
#pragma once

#include <optional>
#include <string>

namespace eifkit {

enum class RamdiskLayout { kEifkit, kNitroCli };

// "eifkit" or "nitro-cli".
const char* layout_name(RamdiskLayout layout);
std::optional<RamdiskLayout> parse_layout(const std::string& name);

}  // namespace eifkit
