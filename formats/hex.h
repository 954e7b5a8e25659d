// Lowercase hex, the form every PCR takes in nitro-cli output and in key policies.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eifkit {

std::string to_hex(std::span<const uint8_t> bytes);

// Accepts upper or lower case; nullopt for odd length or a non-hex character.
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

}  // namespace eifkit
