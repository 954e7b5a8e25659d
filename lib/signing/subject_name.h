// Certificate subjects written as OpenSSL's -subj does: "/C=US/O=Example/CN=name".
// Internal to lib/signing/.
#pragma once

#include <string>

#include "lib/signing/openssl.h"

namespace eifkit {

// '\' escapes the next character; Error naming the subject for anything else.
X509NamePtr parse_subject(const std::string& subject);

}  // namespace eifkit
