#include "lib/signing/signature_check.h"

#include "formats/cose_sign1.h"
#include "formats/signature_section.h"
#include "lib/base/error.h"
#include "lib/signing/eif_signature.h"

namespace eifkit {

SignatureFacts check_signature_section(const std::vector<uint8_t>& section, const Pcr& pcr0,
                                       const std::string& path) {
  std::string problem;
  auto entries = decode_signature_section(section, problem);
  if (!entries) fail(path, problem);
  const SignatureEntry& entry = entries->front();
  SignatureFacts facts{Certificate::from_pem(entry.certificate_pem, path + ": signature section"),
                       false, false, ""};
  auto cose = decode_cose_sign1(entry.cose_sign1, problem);
  if (!cose) fail(path, "signature section: " + problem);

  Curve curve = facts.certificate.curve();
  if (cose->algorithm != cose_algorithm_for(curve)) {
    facts.problem = "COSE algorithm does not match the certificate's " +
                    std::string(curve_name(curve)) + " key";
  } else {
    // Over the protected header and payload as stored, not as eifkit would write them.
    std::vector<uint8_t> tbs = cose_to_be_signed(*cose->algorithm, cose->payload);
    facts.signature_valid =
        facts.certificate.verify_digest(digest_for_curve(curve, tbs), cose->signature);
    if (!facts.signature_valid)
      facts.problem = "COSE signature does not verify with the certificate's key";
  }
  auto payload = decode_pcr_payload(cose->payload, problem);
  facts.payload_matches = payload && payload->index == 0 &&
                          payload->value == std::vector<uint8_t>(pcr0.begin(), pcr0.end());
  if (!facts.payload_matches && facts.problem.empty()) {
    facts.problem = "signed payload is not {0, PCR0} of this image";
  }
  return facts;
}

}  // namespace eifkit
