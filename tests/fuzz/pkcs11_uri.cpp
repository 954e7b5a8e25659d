// A --private-key argument as a PKCS#11 URI (formats/pkcs11_uri.h): parsed as build, sign and
// keygen parse it, and redacted as their messages show it. The redacted form must parse to the
// same path attributes and never keep a pin-value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "formats/pkcs11_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string problem;
  std::optional<eifkit::Pkcs11Uri> uri = eifkit::parse_pkcs11_uri(text, problem);
  std::string shown = eifkit::redact_pkcs11_uri(text);
  if (uri) {
    std::optional<eifkit::Pkcs11Uri> again = eifkit::parse_pkcs11_uri(shown, problem);
    if (!again || again->path != uri->path || again->query.count("pin-value")) std::abort();
  }
  return 0;
}
