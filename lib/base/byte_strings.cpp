#include "lib/base/byte_strings.h"

#include <cstdint>
#include <cstdio>

#include "formats/base64.h"

namespace eifkit {

// Length of the well-formed UTF-8 character at bytes[i] (RFC 3629: no overlongs, no
// surrogates, nothing past U+10FFFF), or 0.
static size_t utf8_length(std::string_view bytes, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(bytes[i + k]); };
  size_t left = bytes.size() - i;
  uint8_t c = b(0);
  if (c < 0x80) return 1;
  auto tail = [&](size_t k) { return k < left && (b(k) & 0xc0) == 0x80; };
  if (c >= 0xc2 && c <= 0xdf) return tail(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!tail(1) || !tail(2)) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
    if (c == 0xed && b(1) >= 0xa0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!tail(1) || !tail(2) || !tail(3)) return 0;
    if (c == 0xf0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xf4 && b(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

void put_byte_string(nlohmann::json& obj, const std::string& key, std::string_view bytes) {
  std::string readable;
  bool exact = true;
  for (size_t i = 0; i < bytes.size();) {
    size_t n = utf8_length(bytes, i);
    if (n == 0) {
      readable += "\xef\xbf\xbd";  // U+FFFD
      exact = false;
      ++i;
    } else {
      readable.append(bytes.substr(i, n));
      i += n;
    }
  }
  obj[key] = readable;
  if (!exact) obj[key + "Base64"] = base64_encode(bytes);
}

std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    size_t n = utf8_length(bytes, i);
    uint8_t c = static_cast<uint8_t>(bytes[i]);
    // C1 controls (U+0080..U+009F, c2 80..c2 9f) steer terminals as the C0 ones do.
    bool control = (n == 1 && (c < 0x20 || c == 0x7f)) ||
                   (n == 2 && c == 0xc2 && static_cast<uint8_t>(bytes[i + 1]) < 0xa0);
    if (n == 0 || control) {
      for (size_t k = 0; k < (n == 0 ? 1 : n); ++k) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<uint8_t>(bytes[i + k]));
        out += hex;
      }
      i += n == 0 ? 1 : n;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace eifkit
