// What both ways into a PKCS#11 token share (reading a key through libp11 in pkcs11_key.cpp,
// making or removing one through the module's own functions in pkcs11_generate.cpp): the URI
// resolved to its module, the token it names, the PIN, and one vocabulary for their errors.
// Internal to lib/signing.
#pragma once

#include <optional>
#include <string>

#include "formats/pkcs11_uri.h"
#include "lib/base/error.h"

namespace eifkit::pkcs11 {

// A token as libp11 and the module's token info describe it, for the URI's token attributes.
struct TokenFields {
  std::string label, manufacturer, model, serial;
};
bool token_matches(const Pkcs11Uri& uri, const TokenFields& t);

// Collects the tokens seen, for the message when none matches.
struct TokenSearch {
  std::string seen;
  void saw(const std::string& label) {
    if (!seen.empty()) seen += ", ";
    seen += '\'';
    seen += label;
    seen += '\'';
  }
  [[noreturn]] void none_matches(const std::string& shown, const std::string& module) const {
    fail(shown,
         "no token matches it in " + module + " (tokens: " + (seen.empty() ? "none" : seen) + ")");
  }
};

// A failed login, worded the same on both paths.
[[noreturn]] void login_failed(const std::string& shown, const std::string& label,
                               const std::string& why);

// The URI's pin-value (parse_pkcs11_uri puts one written in the path there too), its
// pin-source, the environment, or the terminal. `shown` is the URI without its PIN.
std::string pin_for(const Pkcs11Uri& uri, const std::string& token, const std::string& shown);

// "object=NAME;id=%01%02", as a URI names a key; and what the URI's own object/id ask for.
std::string key_attributes(const std::string& label, const std::string& id);
std::string key_selector(const Pkcs11Uri& uri);

// Opens the module with dlopen, the caller closing it: libp11 prints the loader's complaint
// to stderr and reports only "Unable to load", so a module is loaded here first and the one
// error line says what is wrong.
void* open_module(const std::string& module);

// What both entry points start from: the URI parsed, and its module found and loadable.
struct TokenRequest {
  std::string shown;  // the URI without its PIN
  Pkcs11Uri uri;
  std::string module;
};
TokenRequest resolve_request(const std::string& uri_text,
                             const std::optional<std::string>& module_flag);

}  // namespace eifkit::pkcs11
