// `eifkit policy check --policy POLICY RECORD` from the record's side: the input is the build
// record file, read by load_record (a JSON record, or an EIF recognised by its magic whose
// record is computed), then checked against a fixed policy that pins PCR0, 1, 2 and 8.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"
#include "lib/policy/policy_check.h"
#include "tests/fuzz/fuzz_input_file.h"

namespace {

const nlohmann::json& pinning_policy() {
  static const nlohmann::json policy = nlohmann::json::parse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "EnclaveDecrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
      "Condition": {"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:PCR0": "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18db",
        "kms:RecipientAttestation:PCR1": "39d080b5616c237f71c6758aaf69153da99f817093c08d022008294563188cbc2f2ae6637dc240ec1ffb1b56aed9d277",
        "kms:RecipientAttestation:PCR2": "e7ce00e68e557da1b82a08b4b8e6bc993d47ed12813b944598249024f993605aadd6da944a15a618aea1ab51adbfc507",
        "kms:RecipientAttestation:PCR8": "cadbe917b14cd5f1fc3c1696454e8fbd313d2a1e67f4256dc9c9714da7c2ba63b5f85b29f93660d4cf212f7437a9da61"
      }}
    }, {
      "Sid": "DenyOtherImages", "Effect": "Deny", "Action": "kms:*", "Resource": "*",
      "Condition": {"StringNotEquals": {
        "kms:RecipientAttestation:ImageSha384": ["00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18db"]
      }}
    }]
  })");
  return policy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("build_record");
  try {
    const std::string& path = input.write(data, size);
    nlohmann::json record = eifkit::load_record(path);
    (void)eifkit::record_pcrs(record, path);
    (void)eifkit::check_policy(pinning_policy(), "policy.json", record, path, "kms:Decrypt")
        .report.dump();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
