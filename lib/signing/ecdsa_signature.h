// ECDSA signatures in the two encodings eifkit meets: DER ECDSA-Sig-Value (OpenSSL, HSMs,
// cloud KMSs) and the raw r‖s that COSE uses.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lib/signing/curve.h"

namespace eifkit {

// A signature made elsewhere (an HSM, a cloud KMS, `openssl pkeyutl`): DER ECDSA-Sig-Value
// or raw r‖s of the curve's size. Returns raw r‖s; Error naming `origin` otherwise.
std::vector<uint8_t> signature_to_raw(std::span<const uint8_t> signature, Curve curve,
                                      const std::string& origin);

// The DER ECDSA-Sig-Value of a raw r‖s signature, the encoding DSSE envelopes carry.
std::vector<uint8_t> raw_signature_to_der(std::span<const uint8_t> raw);

}  // namespace eifkit
