#include "lib/signing/pcr8.h"

namespace eifkit {

Pcr pcr8_of_certificate(const Certificate& cert) {
  return pcr_from_digest(sha384(cert.der()));
}

Pcr pcr8_of_certificate_file(const std::string& pem_path) {
  return pcr_from_digest(sha384(certificate_der_from_pem_file(pem_path)));
}

}  // namespace eifkit
