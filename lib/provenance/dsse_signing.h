// A statement signed into a DSSE envelope with the signers `build` and `sign` take: a key
// here (PEM, or a pkcs11: URI through Signer), or in two steps for a key that never leaves an
// HSM or a cloud KMS: export the bytes to be signed (DSSE's pre-authentication encoding) and
// their digest, sign them there, then insert the signature.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/signing/certificate.h"
#include "lib/signing/eif_signature.h"

namespace eifkit {

// The payload an envelope carries: the statement as compact JSON with sorted keys, so that
// both steps of two-step signing sign the same bytes.
std::vector<uint8_t> statement_payload(const nlohmann::json& statement);

// Step 1: the PAE bytes and their digest, SHA-256/384/512 to match the certificate's curve
// (ECDSA over P-256 with SHA-256, P-384 with SHA-384: what DSSE verifiers such as
// securesystemslib's ecdsa-sha2-nistp256/384 schemes expect).
SigningPayload dsse_signing_payload(std::span<const uint8_t> payload, Curve curve);

// The envelope (JSON text) signed by `signer`. Its one signature is DER ECDSA; its keyid is
// the certificate's SHA-256 fingerprint, a hint for the verifier.
std::string signed_envelope(std::span<const uint8_t> payload, const Signer& signer);

// Step 3: the envelope from a signature made elsewhere (DER or raw r‖s), checked against the
// certificate's key over this payload before it is used; Error naming `origin` otherwise.
std::string envelope_from_signature(std::span<const uint8_t> payload, const Certificate& cert,
                                    std::span<const uint8_t> signature, const std::string& origin);

}  // namespace eifkit
