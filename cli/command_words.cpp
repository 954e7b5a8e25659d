#include "cli/command_words.h"

#include <optional>
#include <span>

#include "formats/bounded_json.h"
#include "lib/base/error.h"

namespace eifkit::cli {

// A JSON list of strings (exact), or words split as a POSIX shell would: spaces separate,
// '...' and "..." quote, backslash escapes.
std::vector<std::string> parse_command(const std::string& flag, const std::string& value) {
  std::vector<std::string> out;
  if (!value.empty() && value.front() == '[') {
    std::string problem;
    std::optional<nlohmann::json> j =
        decode_bounded(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size()),
                       JsonSyntax::kJson, kMaxJsonDepth, problem);
    if (!j || !j->is_array()) throw Error(flag + ": not a JSON list: " + value);
    for (const auto& v : *j) {
      if (!v.is_string()) throw Error(flag + ": the JSON list holds a non-string: " + value);
      out.push_back(v.get<std::string>());
    }
    return out;
  }
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        word.push_back(c);
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < value.size() &&
                 std::string("\"\\$`").find(value[i + 1]) != std::string::npos) {
        word.push_back(value[++i]);
      } else {
        word.push_back(c);
      }
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      in_word = true;
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '\\' && i + 1 < value.size()) {
        word.push_back(value[++i]);
      } else {
        word.push_back(c);
      }
    }
  }
  if (quote) throw Error(flag + ": unterminated quote in: " + value);
  if (in_word) out.push_back(std::move(word));
  return out;
}

}  // namespace eifkit::cli
