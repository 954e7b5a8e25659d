// Reading the small JSON documents of an image (manifests, indexes, configs) with errors that
// name the document and the field, instead of nlohmann's exception text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "formats/bounded_json.h"

namespace eifkit {

// `where` is "SOURCE: NAME", the prefix of every message about this document. A key given
// twice in one object is refused unless `duplicates` says to keep the last
// (formats/bounded_json.h).
nlohmann::json parse_json(std::span<const uint8_t> bytes, const std::string& where,
                          DuplicateKeys duplicates = DuplicateKeys::kRefuse);

// The same for a document that must be a JSON object, `what` ("a policy", "a build record"):
// a file that is not JSON at all (a tar, an EIF, other binary data) is named for what it is.
nlohmann::json parse_json_object(std::span<const uint8_t> bytes, const std::string& where,
                                 const std::string& what);

// A field that must be there with the given type; an Error naming it otherwise.
const nlohmann::json& object_field(const nlohmann::json& obj, const char* key,
                                   const std::string& where);
const nlohmann::json& array_field(const nlohmann::json& obj, const char* key,
                                  const std::string& where);
std::string string_field(const nlohmann::json& obj, const char* key, const std::string& where);
// An optional field: nullopt when absent or null, an Error when of another type.
std::optional<std::string> optional_string(const nlohmann::json& obj, const char* key,
                                           const std::string& where);

}  // namespace eifkit
