// An EIF's signature section (formats/signature_section.h) and each COSE_Sign1 in it
// (formats/cose_sign1.h), decoded as the EIF reader does, then checked as describe and verify
// check it (lib/signing/signature_check.h: certificate, ECDSA signature, {0, PCR0} payload).
// The same bytes are also decoded as a bare COSE_Sign1, so both codecs get every input.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "formats/cose_sign1.h"
#include "formats/hex.h"
#include "formats/signature_section.h"
#include "lib/base/error.h"
#include "lib/signing/signature_check.h"

namespace {

// PCR0 of the signed test vector (vectors/eif/signed.eif), so that its signature section
// reaches the payload comparison with a match.
eifkit::Pcr signed_vector_pcr0() {
  auto bytes = eifkit::from_hex(
      "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a77937"
      "0b18db");
  eifkit::Pcr pcr{};
  if (bytes && bytes->size() == pcr.size()) std::copy(bytes->begin(), bytes->end(), pcr.begin());
  return pcr;
}

void decode_cose(std::span<const uint8_t> bytes) {
  std::string problem;
  auto cose = eifkit::decode_cose_sign1(bytes, problem);
  if (cose) (void)eifkit::decode_pcr_payload(cose->payload, problem);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The EIF reader refuses a larger section before reading it.
  if (size > eifkit::kMaxSignatureSize) return 0;
  std::span<const uint8_t> bytes(data, size);
  decode_cose(bytes);
  std::string problem;
  auto entries = eifkit::decode_signature_section(bytes, problem);
  if (entries) {
    for (const eifkit::SignatureEntry& e : *entries) decode_cose(e.cose_sign1);
  }
  try {
    static const eifkit::Pcr pcr0 = signed_vector_pcr0();
    (void)eifkit::check_signature_section(std::vector<uint8_t>(data, data + size), pcr0, "fuzz");
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
