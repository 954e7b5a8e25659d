#include "lib/base/json_read.h"

#include "lib/base/error.h"

namespace eifkit {

nlohmann::json parse_json(std::span<const uint8_t> bytes, const std::string& where) {
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at ...": keep the readable part.
    std::string msg = e.what();
    if (size_t end = msg.find("] "); end != std::string::npos) msg = msg.substr(end + 2);
    throw Error(where + ": invalid JSON: " + msg);
  }
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
