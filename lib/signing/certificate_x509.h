// The OpenSSL object behind a Certificate, for the code of lib/signing/ that hands it to
// OpenSSL (the chain verifier) instead of parsing the certificate again. Internal to the folder.
#pragma once

#include <openssl/x509.h>

#include "lib/signing/certificate.h"

namespace eifkit {

// Borrowed: valid while `certificate` lives; OpenSSL calls that keep it take their own
// reference.
X509* x509_of(const Certificate& certificate);

}  // namespace eifkit
