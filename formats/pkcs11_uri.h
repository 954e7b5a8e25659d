// RFC 7512 PKCS#11 URIs, the names of keys held in a token:
//   pkcs11:token=enclave;object=signer;id=%01?pin-source=file:/run/pin&module-path=/usr/lib/x.so
// Path attributes are separated by ';', query attributes by '&'; values are percent-decoded
// (an id is bytes). Attribute names are case-insensitive (RFC 7512's ABNF names are quoted
// strings, which RFC 5234 makes so) and are kept in lower case; values keep their case.
// Pure parsing: what the attributes mean is for lib/signing.
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

// The URI, or nullopt with `problem` set: a missing scheme, an attribute without '=', an empty,
// malformed or repeated name (PIN-VALUE repeats pin-value), or a bad percent escape.
// A pin-value written in the path, as libp11 and OpenSSL users write it, is the PIN as in the
// query and is returned in `query`; given in both, it is "given twice".
// `problem` never quotes the text of a URI that holds a PIN: a PIN with an unencoded ';' or '&'
// is cut into fragments that look like attributes, so it names no attribute but pin-value.
std::optional<Pkcs11Uri> parse_pkcs11_uri(std::string_view text, std::string& problem);

// The URI as given, minus every pin-value (path or query, any case) and the fragments that
// follow one up to the next well-formed name=value attribute (the rest of a PIN holding an
// unencoded ';', '&' or '?'): for messages, which never show a PIN. Text that is not a pkcs11:
// URI is returned as it is.
std::string redact_pkcs11_uri(std::string_view text);

}  // namespace eifkit
