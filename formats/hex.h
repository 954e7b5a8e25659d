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

// Only 0-9 and a-f (true for ""): the one spelling of digests and PCRs that eifkit compares
// byte for byte.
bool is_lower_hex(std::string_view text);

// Accepts upper or lower case; nullopt for odd length or a non-hex character.
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

}  // namespace eifkit
