// X.509 names and times as text, for the certificate facts describe and verify report.
// Internal to lib/signing/.
#pragma once

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <ctime>
#include <optional>
#include <string>

namespace eifkit {

// One line, UTF-8 kept as is; escaped ASCII when a value is not valid text.
std::string name_one_line(const X509_NAME* name);
std::string entry_text(const ASN1_STRING* value);
std::string object_name(const ASN1_OBJECT* obj);
std::string time_text(const ASN1_TIME* t);  // "Nov 22 22:43:31 2026 GMT"
std::optional<std::time_t> to_time_t(const ASN1_TIME* t);

}  // namespace eifkit
