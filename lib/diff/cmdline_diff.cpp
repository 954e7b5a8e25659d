#include "lib/diff/cmdline_diff.h"

#include <vector>

#include "lib/base/byte_strings.h"

namespace eifkit {

namespace {

// The text the kernel parses: builders end the section with a NUL or a newline, or neither.
std::string text_of(const std::string& section) {
  size_t end = section.size();
  while (end > 0 && (section[end - 1] == '\0' || section[end - 1] == '\n')) --end;
  return section.substr(0, end);
}

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

nlohmann::json word_list(const std::vector<std::string>& w, size_t from, size_t to) {
  nlohmann::json list = nlohmann::json::array();
  for (size_t i = from; i < to; ++i) {
    nlohmann::json holder = nlohmann::json::object();
    put_byte_string(holder, "Word", w[i]);
    list.push_back(holder["Word"]);
  }
  return list;
}

}  // namespace

nlohmann::json diff_cmdlines(const std::string& a, const std::string& b) {
  std::vector<std::string> wa = words(text_of(a)), wb = words(text_of(b));
  size_t prefix = 0;
  while (prefix < wa.size() && prefix < wb.size() && wa[prefix] == wb[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < wa.size() - prefix && suffix < wb.size() - prefix &&
         wa[wa.size() - 1 - suffix] == wb[wb.size() - 1 - suffix]) {
    ++suffix;
  }
  nlohmann::json out = {{"Equal", a == b}};
  put_byte_string(out, "A", text_of(a));
  put_byte_string(out, "B", text_of(b));
  out["Removed"] = word_list(wa, prefix, wa.size() - suffix);
  out["Added"] = word_list(wb, prefix, wb.size() - suffix);
  return out;
}

}  // namespace eifkit
