// The OpenSSL side of ECDSA signatures, shared by certificates and private keys. Internal to
// lib/signing/.
#pragma once

#include <openssl/ec.h>
#include <openssl/evp.h>

#include <optional>
#include <span>
#include <vector>

#include "lib/signing/curve.h"
#include "lib/signing/openssl.h"

namespace eifkit {

// r‖s, each left-padded to `coordinate` bytes; nullopt when r or s does not fit.
std::optional<std::vector<uint8_t>> sig_to_raw(const ECDSA_SIG* sig, size_t coordinate);
// Strict DER: the whole input is one Ecdsa-Sig-Value that re-encodes to the same bytes;
// nullptr otherwise.
EcdsaSigPtr parse_der_signature(std::span<const uint8_t> der);
std::vector<uint8_t> raw_to_der(std::span<const uint8_t> raw);
// Verifies a raw r‖s signature over an already computed digest.
bool verify_raw(EVP_PKEY* pkey, Curve curve, std::span<const uint8_t> digest,
                std::span<const uint8_t> raw);

}  // namespace eifkit
