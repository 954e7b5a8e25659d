#include "lib/base/json_read.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "formats/bounded_json.h"
#include "formats/file_kind.h"
#include "lib/base/error.h"

namespace eifkit {

nlohmann::json parse_json(std::span<const uint8_t> bytes, const std::string& where,
                          DuplicateKeys duplicates) {
  std::string problem;
  std::optional<nlohmann::json> j =
      decode_bounded(bytes, JsonSyntax::kJson, kMaxJsonDepth, problem, duplicates);
  if (!j) throw Error(where + ": invalid JSON: " + problem);
  return std::move(*j);
}

nlohmann::json parse_json_object(std::span<const uint8_t> bytes, const std::string& where,
                                 const std::string& what) {
  size_t i = 0;
  while (i < bytes.size() && std::isspace(bytes[i])) ++i;
  if (i == bytes.size() || bytes[i] != '{') {
    FileKind kind = sniff_file_kind(bytes.first(std::min(bytes.size(), kFileKindHeadSize)));
    if (kind != FileKind::kUnknown || (i < bytes.size() && bytes[i] != '[' && bytes[i] != '"' &&
                                       !std::isalnum(bytes[i]) && bytes[i] != '-')) {
      throw Error(where + ": not " + what +
                  (kind == FileKind::kUnknown
                       ? " (not JSON)"
                       : std::string(": it is ") + file_kind_description(kind)));
    }
  }
  nlohmann::json j = parse_json(bytes, where);
  if (!j.is_object()) throw Error(where + ": not " + what + " (expected a JSON object)");
  return j;
}

static const nlohmann::json& field(const nlohmann::json& obj, const char* key,
                                   const std::string& where, nlohmann::json::value_t type,
                                   const char* type_name) {
  if (!obj.is_object()) throw Error(where + ": expected a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) throw Error(where + ": missing \"" + key + "\"");
  if (it->type() != type) throw Error(where + ": \"" + key + "\" is not " + type_name);
  return *it;
}

const nlohmann::json& object_field(const nlohmann::json& obj, const char* key,
                                   const std::string& where) {
  return field(obj, key, where, nlohmann::json::value_t::object, "an object");
}

const nlohmann::json& array_field(const nlohmann::json& obj, const char* key,
                                  const std::string& where) {
  return field(obj, key, where, nlohmann::json::value_t::array, "an array");
}

std::string string_field(const nlohmann::json& obj, const char* key, const std::string& where) {
  return field(obj, key, where, nlohmann::json::value_t::string, "a string").get<std::string>();
}

std::optional<std::string> optional_string(const nlohmann::json& obj, const char* key,
                                           const std::string& where) {
  if (!obj.is_object()) throw Error(where + ": expected a JSON object");
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw Error(where + ": \"" + key + "\" is not a string");
  return it->get<std::string>();
}

}  // namespace eifkit
