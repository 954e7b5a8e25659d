#include "lib/certificate.h"

#include "lib/file.h"
#include "lib/signing_crypto.h"

namespace eifkit {

std::vector<uint8_t> certificate_der_from_pem(const std::vector<uint8_t>& pem,
                                              const std::string& origin) {
  return Certificate::from_pem(pem, origin).der();
}

std::vector<uint8_t> certificate_der_from_pem_file(const std::string& path) {
  return certificate_der_from_pem(read_small_file(path, kMaxCertificateFileSize), path);
}

}  // namespace eifkit
