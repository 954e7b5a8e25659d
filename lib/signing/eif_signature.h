// The EIF signature: the signature section over {0, PCR0} made with a key (at build time or
// for an existing image), and the two-step flow for keys that never leave an HSM or a cloud
// KMS. lib/eif/eif_resign.h puts a section into an existing image.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "formats/cose_sign1.h"
#include "lib/hash/measurements.h"
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/private_key.h"

namespace eifkit {

CoseAlgorithm cose_algorithm_for(Curve curve);

// Step 1 of two-step signing: the exact bytes to be signed and their digest.
struct SigningPayload {
  std::vector<uint8_t> to_be_signed;  // COSE Sig_structure over {0, PCR0}
  std::vector<uint8_t> digest;        // SHA-256/384/512 of it, to match the curve
  std::string digest_algorithm;       // "sha256", "sha384", "sha512"
};
SigningPayload signing_payload(const Pcr& pcr0, Curve curve);

// The signature section, signed with `key` (which must match `cert`: Error otherwise).
std::vector<uint8_t> signature_section(const Pcr& pcr0, const Certificate& cert,
                                       const PrivateKey& key);
// Step 2: from a signature made elsewhere (DER or raw r‖s), checked against the
// certificate's key before it is used. `origin` names the signature's file in errors.
std::vector<uint8_t> signature_section_from_signature(const Pcr& pcr0, const Certificate& cert,
                                                      std::span<const uint8_t> signature,
                                                      const std::string& origin);

// Error naming the certificate when its signature section over `pcr0`, with the widest
// signature encoding, would exceed kMaxSignatureSize (32 KiB), which nitro-cli's reader and
// eifkit's refuse.
void require_signature_section_fits(const Certificate& cert, const Pcr& pcr0);

// A certificate with its private key, checked to belong together, for signed builds and
// `sign`. Loaded before any output is written, so a bad key fails early.
struct Signer {
  Certificate certificate;
  PrivateKey key;
  // `key` is a PEM file or a pkcs11: URI (then `pkcs11_module`, see PrivateKey::from_pkcs11).
  static Signer load(const std::string& certificate_path, const std::string& key,
                     const std::optional<std::string>& pkcs11_module = std::nullopt);
  // For EifPlan::sign.
  std::vector<uint8_t> section_for(const Measurements& m) const {
    return signature_section(m.pcr0, certificate, key);
  }
};

}  // namespace eifkit
