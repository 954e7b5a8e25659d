// RFC 7512 PKCS#11 URIs, the names of keys held in a token:
//   pkcs11:token=enclave;object=signer;id=%01?pin-source=file:/run/pin&module-path=/usr/lib/x.so
// Path attributes are separated by ';', query attributes by '&'; values are percent-decoded
// (an id is bytes). Pure parsing: what the attributes mean is for lib/signing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace eifkit {

struct Pkcs11Uri {
  std::map<std::string, std::string> path;   // token, object, id, type, serial, …
  std::map<std::string, std::string> query;  // pin-value, pin-source, module-path, …
};

// True when `text` uses the pkcs11 scheme (the scheme's case is ignored, as RFC 3986 says).
bool is_pkcs11_uri(std::string_view text);

// The URI, or nullopt with `problem` set: a missing scheme, an attribute without '=', an empty
// or repeated name, or a bad percent escape.
std::optional<Pkcs11Uri> parse_pkcs11_uri(std::string_view text, std::string& problem);

// The URI as given, minus pin-value: for messages, which never show a PIN.
std::string redact_pkcs11_uri(std::string_view text);

}  // namespace eifkit
