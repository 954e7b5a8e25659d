// `eifkit attestation verify DOC --at doc` and `show`: reading the file (CBOR, base64 or hex),
// the COSE_Sign1 envelope and payload through the bounded CBOR decoder, OpenSSL's parsing of
// the certificates, the signature and chain checks, and the JSON report.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "formats/attestation_document.h"
#include "lib/attestation/attestation_verify.h"
#include "lib/base/error.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("attestation_document");
  // The same bytes as a bare payload, so that its field checks see every input too.
  std::string problem;
  (void)eifkit::decode_attestation_payload(std::span<const uint8_t>(data, size), problem);
  try {
    eifkit::AttestationVerifyOptions o;
    o.at = {eifkit::CheckTime::Kind::kDocument, 0};
    o.nonce = std::vector<uint8_t>{1, 2, 3};
    o.pcrs = eifkit::ExpectedPcrs{{{0, std::string(96, 'a')}}, "fuzz"};
    eifkit::AttestationVerdict v =
        eifkit::verify_attestation(eifkit::read_attestation_input(input.write(data, size)), o);
    (void)v.report.dump();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
