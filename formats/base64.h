// RFC 4648 base64 with padding: how JSON output carries bytes that are not text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eifkit {

std::string base64_encode(std::string_view bytes);

// Standard or URL-safe alphabet (not mixed), padding optional; nullopt for any other
// character, a bad length or non-zero trailing bits. No whitespace: the caller strips it.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

}  // namespace eifkit
