#include "lib/signing/eif_signature.h"

#include "formats/pkcs11_uri.h"
#include "formats/signature_section.h"
#include "lib/base/error.h"
#include "lib/signing/ecdsa_signature.h"

namespace eifkit {

CoseAlgorithm cose_algorithm_for(Curve curve) {
  switch (curve) {
    case Curve::kP256:
      return CoseAlgorithm::kES256;
    case Curve::kP384:
      return CoseAlgorithm::kES384;
    case Curve::kP521:
      return CoseAlgorithm::kES512;
  }
  return CoseAlgorithm::kES384;
}

SigningPayload signing_payload(const Pcr& pcr0, Curve curve) {
  SigningPayload p;
  p.to_be_signed = cose_to_be_signed(cose_algorithm_for(curve), encode_pcr_payload(0, pcr0));
  p.digest = digest_for_curve(curve, p.to_be_signed);
  p.digest_algorithm = "sha" + std::to_string(p.digest.size() * 8);
  return p;
}

static std::vector<uint8_t> section_with(const Pcr& pcr0, const Certificate& cert,
                                         std::span<const uint8_t> raw_signature) {
  auto cose = encode_cose_sign1(cose_algorithm_for(cert.curve()), encode_pcr_payload(0, pcr0),
                                raw_signature);
  auto section = encode_signature_section({{cert.pem(), cose}});
  // Readers (eifkit's, nitro-cli's) refuse a larger section: never write one.
  if (section.size() > kMaxSignatureSize) {
    fail(cert.origin(), "certificate too large: the signature section would be " +
                            std::to_string(section.size()) + " bytes (at most " +
                            std::to_string(kMaxSignatureSize) + ")");
  }
  return section;
}

void require_signature_section_fits(const Certificate& cert, const Pcr& pcr0) {
  Curve curve = cert.curve();
  // The widest signature: every byte >= 24 takes two bytes in the section's integer arrays.
  section_with(pcr0, cert, std::vector<uint8_t>(2 * curve_coordinate_size(curve), 0xff));
}

std::vector<uint8_t> signature_section(const Pcr& pcr0, const Certificate& cert,
                                       const PrivateKey& key) {
  Curve curve = cert.curve();
  if (!key.matches(cert)) {
    throw Error(cert.origin() + ": the private key does not belong to this certificate");
  }
  return section_with(pcr0, cert, key.sign_digest(signing_payload(pcr0, curve).digest));
}

std::vector<uint8_t> signature_section_from_signature(const Pcr& pcr0, const Certificate& cert,
                                                      std::span<const uint8_t> signature,
                                                      const std::string& origin) {
  Curve curve = cert.curve();
  std::vector<uint8_t> raw = signature_to_raw(signature, curve, origin);
  if (!cert.verify_digest(signing_payload(pcr0, curve).digest, raw)) {
    fail(origin, "signature does not verify with " + cert.origin() +
                     "'s key over this image's signing payload");
  }
  return section_with(pcr0, cert, raw);
}

Signer Signer::load(const std::string& certificate_path, const std::string& key,
                    const std::optional<std::string>& pkcs11_module) {
  bool in_token = is_pkcs11_uri(key);
  Signer s{Certificate::from_pem_file(certificate_path),
           in_token ? PrivateKey::from_pkcs11(key, pkcs11_module) : PrivateKey::from_pem_file(key)};
  s.certificate.curve();  // refuses RSA, Ed25519 and other curves
  if (!s.key.matches(s.certificate)) {
    fail(in_token ? redact_pkcs11_uri(key) : key,
         "this private key does not belong to the certificate " + certificate_path);
  }
  // Before a build streams its inputs: PCR0 is not known yet, so assume the widest.
  Pcr widest;
  widest.fill(0xff);
  require_signature_section_fits(s.certificate, widest);
  return s;
}

}  // namespace eifkit
