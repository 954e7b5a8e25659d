// RFC 4648 base64 with padding: how JSON output carries bytes that are not text.
#pragma once

#include <string>
#include <string_view>

namespace eifkit {

std::string base64_encode(std::string_view bytes);

}  // namespace eifkit
