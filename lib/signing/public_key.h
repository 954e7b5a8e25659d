// Public keys as an enclave hands them to its NSM (the attestation document's public_key): the
// DER SubjectPublicKeyInfo that a PEM "PUBLIC KEY" file holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace eifkit {

// The DER SubjectPublicKeyInfo of a PEM public key (any algorithm OpenSSL reads); Error naming
// `origin` otherwise.
std::vector<uint8_t> public_key_der_from_pem(const std::vector<uint8_t>& pem,
                                             const std::string& origin);

}  // namespace eifkit
