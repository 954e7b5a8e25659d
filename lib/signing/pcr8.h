// PCR8: SHA-384 of the signing certificate's DER bytes, extended into a zero register, as the
// Nitro hypervisor measures a signed image. The one place eifkit computes it, for builds,
// `sign`, `describe` (from the signature section), `keygen` and `pcr --signing-certificate`.
#pragma once

#include <string>

#include "lib/hash/measurements.h"
#include "lib/signing/certificate.h"

namespace eifkit {

Pcr pcr8_of_certificate(const Certificate& cert);
Pcr pcr8_of_certificate_file(const std::string& pem_path);

}  // namespace eifkit
