#include "lib/attestation/attestation_signature.h"

#include <algorithm>

#include "formats/cose_sign1.h"
#include "lib/base/error.h"
#include "lib/hash/sha384.h"

namespace eifkit {

const char* platform_name(AttestationPlatform p) {
  return p == AttestationPlatform::kQingTian ? "qingtian" : "nitro";
}

SignatureFinding check_attestation_signature(const DecodedAttestation& d,
                                             AttestationPlatform platform) {
  constexpr int64_t kEs384 = -35;
  const AttestationEnvelope& e = d.envelope;
  if (e.algorithm != kEs384) {
    std::string alg = e.algorithm ? std::to_string(*e.algorithm) : "missing";
    return {false, "the protected header's algorithm is " + alg +
                       "; attestation documents are signed with ES384 (-35)"};
  }
  if (e.signature.size() != 96) {
    return {false, "the signature is " + std::to_string(e.signature.size()) +
                       " bytes; ES384 signatures are 96 (r and s, 48 bytes each)"};
  }
  try {
    if (d.leaf->curve() != Curve::kP384) {
      return {false, std::string("the leaf certificate's key is ") + curve_name(d.leaf->curve()) +
                         "; ES384 needs P-384"};
    }
  } catch (const Error& e) {
    return {false, e.what()};
  }
  std::vector<uint8_t> raw = e.signature;
  if (platform == AttestationPlatform::kQingTian) {
    std::reverse(raw.begin(), raw.begin() + 48);
    std::reverse(raw.begin() + 48, raw.end());
  }
  Digest384 digest = sha384(cose_sig_structure(e.protected_header, e.payload));
  if (!d.leaf->verify_digest(digest, raw)) {
    return {false, std::string("the ES384 signature does not verify with the leaf certificate's "
                               "key (read as ") +
                       (platform == AttestationPlatform::kQingTian
                            ? "QingTian's r and s, each little-endian)"
                            : "r||s big-endian, as AWS's NSM writes it)")};
  }
  return {true, ""};
}

}  // namespace eifkit
