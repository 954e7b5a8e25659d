#include "formats/pkcs11_uri.h"

#include <cctype>
#include <vector>

namespace eifkit {

namespace {

constexpr std::string_view kScheme = "pkcs11:";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  if (s.empty()) return parts;
  for (;;) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool parse_attributes(std::string_view part, char sep, std::map<std::string, std::string>& into,
                      const char* where, std::string& problem) {
  for (std::string_view attr : split(part, sep)) {
    size_t eq = attr.find('=');
    if (eq == std::string_view::npos) {
      problem = std::string(where) + " attribute '" + std::string(attr) + "' has no '='";
      return false;
    }
    std::string name(attr.substr(0, eq));
    if (name.empty()) {
      problem = std::string(where) + " attribute with an empty name";
      return false;
    }
    std::optional<std::string> value = percent_decode(attr.substr(eq + 1));
    if (!value) {
      problem = "bad percent escape in " + name;
      return false;
    }
    if (!into.emplace(name, *value).second) {
      problem = name + " is given twice";
      return false;
    }
  }
  return true;
}

}  // namespace

bool is_pkcs11_uri(std::string_view text) {
  if (text.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != kScheme[i]) return false;
  }
  return true;
}

std::optional<Pkcs11Uri> parse_pkcs11_uri(std::string_view text, std::string& problem) {
  if (!is_pkcs11_uri(text)) {
    problem = "not a pkcs11: URI";
    return std::nullopt;
  }
  text.remove_prefix(kScheme.size());
  size_t q = text.find('?');
  Pkcs11Uri uri;
  if (!parse_attributes(text.substr(0, q), ';', uri.path, "path", problem)) return std::nullopt;
  if (q != std::string_view::npos &&
      !parse_attributes(text.substr(q + 1), '&', uri.query, "query", problem)) {
    return std::nullopt;
  }
  return uri;
}

std::string redact_pkcs11_uri(std::string_view text) {
  size_t q = text.find('?');
  if (q == std::string_view::npos) return std::string(text);
  std::string out(text.substr(0, q));
  std::string kept;
  for (std::string_view attr : split(text.substr(q + 1), '&')) {
    if (attr.starts_with("pin-value=")) continue;
    if (!kept.empty()) kept += '&';
    kept += attr;
  }
  if (!kept.empty()) {
    out += '?';
    out += kept;
  }
  return out;
}

}  // namespace eifkit
