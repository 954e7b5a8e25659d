#include "lib/provenance/dsse_signing.h"

#include "formats/dsse_envelope.h"
#include "lib/base/error.h"
#include "lib/signing/ecdsa_signature.h"

namespace eifkit {

namespace {

std::string envelope_text(std::span<const uint8_t> payload, const Certificate& cert,
                          std::span<const uint8_t> raw_signature) {
  DsseEnvelope envelope;
  envelope.payload_type = std::string(kInTotoPayloadType);
  envelope.payload.assign(payload.begin(), payload.end());
  envelope.signatures.push_back({cert.sha256_fingerprint(), raw_signature_to_der(raw_signature)});
  return encode_dsse_envelope(envelope);
}

}  // namespace

std::vector<uint8_t> statement_payload(const nlohmann::json& statement) {
  std::string text = statement.dump();
  return {text.begin(), text.end()};
}

SigningPayload dsse_signing_payload(std::span<const uint8_t> payload, Curve curve) {
  SigningPayload out;
  out.to_be_signed = dsse_pae(kInTotoPayloadType, payload);
  out.digest = digest_for_curve(curve, out.to_be_signed);
  out.digest_algorithm = "sha" + std::to_string(curve_digest_size(curve) * 8);
  return out;
}

std::string signed_envelope(std::span<const uint8_t> payload, const Signer& signer) {
  SigningPayload p = dsse_signing_payload(payload, signer.certificate.curve());
  std::vector<uint8_t> raw = signer.key.sign_digest(p.digest);
  return envelope_text(payload, signer.certificate, raw);
}

std::string envelope_from_signature(std::span<const uint8_t> payload, const Certificate& cert,
                                    std::span<const uint8_t> signature, const std::string& origin) {
  Curve curve = cert.curve();
  std::vector<uint8_t> raw = signature_to_raw(signature, curve, origin);
  SigningPayload p = dsse_signing_payload(payload, curve);
  if (!cert.verify_digest(p.digest, raw)) {
    fail(origin,
         "does not verify with " + cert.origin() +
             "'s key over this statement's bytes (signed another export, or with another key)");
  }
  return envelope_text(payload, cert, raw);
}

}  // namespace eifkit
