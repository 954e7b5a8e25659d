// File names, symlink targets and other strings that Linux keeps as bytes: old images carry
// Latin-1 names, and a name may hold control characters. JSON strings must be UTF-8 and a
// terminal must not be steered by what a file is called, so both get a lossless form.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eifkit {

// obj[key] = bytes when they are UTF-8. Otherwise obj[key] is the same string with each byte
// that is not part of a UTF-8 character replaced by U+FFFD (readable, not exact), and
// obj[key + "Base64"] holds the exact bytes: a consumer that finds KEYBase64 uses it.
void put_byte_string(nlohmann::json& obj, const std::string& key, std::string_view bytes);

// For messages on a terminal: control characters, DEL and bytes that are not UTF-8 become
// \xNN, so the text stays one line and cannot steer the terminal (JSON carries exact bytes).
std::string printable(std::string_view bytes);

}  // namespace eifkit
