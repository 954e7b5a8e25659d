// `eifkit provenance verify ENVELOPE --signing-certificate C`, twice per input: the input as an
// envelope file (decoded, its signatures checked against a key of the fuzzer's), and the input
// as the payload of an envelope that key signs, so that the statement reader behind the
// signature check is reached too.
#include <cstddef>
#include <cstdint>
#include <ctime>

#include "lib/base/error.h"
#include "lib/provenance/dsse_signing.h"
#include "lib/provenance/provenance_verify.h"
#include "lib/signing/eif_signature.h"
#include "tests/fuzz/fuzz_input_file.h"

namespace {

const eifkit::Signer& signer() {
  static const eifkit::Signer s = [] {
    eifkit::PrivateKey key = eifkit::PrivateKey::generate(eifkit::Curve::kP384);
    std::vector<uint8_t> pem = key.self_signed_certificate("/CN=fuzz", 1, 0);
    return eifkit::Signer{eifkit::Certificate::from_pem(pem, "fuzz.pem"), std::move(key)};
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("provenance_envelope");
  const eifkit::Signer& s = signer();
  try {
    const std::string& path = input.write(data, size);
    (void)eifkit::verify_provenance(path, s.certificate, {}).report.dump();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  try {
    std::string envelope = eifkit::signed_envelope({data, size}, s);
    const std::string& path =
        input.write(reinterpret_cast<const uint8_t*>(envelope.data()), envelope.size());
    (void)eifkit::verify_provenance(path, s.certificate, {}).report.dump();
  } catch (const eifkit::Error&) {
  }
  return 0;
}
