// X.509 signing certificates (OpenSSL): loading PEM and the DER bytes PCR8 measures.
#pragma once

#include <string>
#include <vector>

namespace eifkit {

inline constexpr uint64_t kMaxCertificateFileSize = 64 << 10;

// DER encoding of the first certificate in a PEM file; throws Error naming the file.
std::vector<uint8_t> certificate_der_from_pem_file(const std::string& path);
std::vector<uint8_t> certificate_der_from_pem(const std::vector<uint8_t>& pem,
                                              const std::string& origin);

}  // namespace eifkit
