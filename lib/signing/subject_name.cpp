#include "lib/signing/subject_name.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <utility>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

X509NamePtr parse_subject(const std::string& subject) {
  const std::string where = "subject \"" + subject + "\"";
  const std::string form = "expected /TYPE=value/..., e.g. /C=US/O=Example/CN=enclave-signer";
  if (subject.empty() || subject[0] != '/') fail(where, form);
  std::vector<std::pair<std::string, std::string>> parts;
  std::string current;
  bool escaped = false;
  bool seen_equals = false;
  std::string type;
  auto finish = [&] {
    if (!seen_equals || type.empty() || current.empty()) {
      fail(where, "component \"" + (seen_equals ? type + "=" : std::string()) + current +
                      "\" is not TYPE=value");
    }
    parts.emplace_back(std::move(type), std::move(current));
    type.clear();
    current.clear();
    seen_equals = false;
  };
  for (size_t i = 1; i < subject.size(); ++i) {
    char ch = subject[i];
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (ch == '\\') {
      escaped = true;
    } else if (ch == '/') {
      finish();
    } else if (ch == '=' && !seen_equals) {
      type = std::move(current);
      current.clear();
      seen_equals = true;
    } else {
      current += ch;
    }
  }
  if (escaped) fail(where, "ends with a lone backslash");
  if (subject.size() == 1) fail(where, "empty; " + form);
  finish();

  X509NamePtr name(X509_NAME_new());
  check(name != nullptr, "X509_NAME_new");
  for (const auto& [t, value] : parts) {
    if (X509_NAME_add_entry_by_txt(name.get(), t.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      ERR_clear_error();
      ASN1_OBJECT* obj = OBJ_txt2obj(t.c_str(), 0);
      ERR_clear_error();
      if (!obj) fail(where, "unknown attribute type \"" + t + "\"");
      ASN1_OBJECT_free(obj);
      fail(where, "invalid value for " + t + " (\"" + value + "\")");
    }
  }
  return name;
}

}  // namespace eifkit
