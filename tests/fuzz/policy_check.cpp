// `eifkit policy check --policy POLICY RECORD`: the input is the policy, read as the CLI reads
// it (parse_json_object), evaluated for its default action against a fixed signed build
// record, once as is and once with the caller's ARN given.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/policy/policy_check.h"

namespace {

// The record of vectors/eif/signed.eif, as load_record returns it.
const nlohmann::json& signed_record() {
  static const nlohmann::json record = nlohmann::json::parse(R"({
    "RecordVersion": 1,
    "Measurements": {
      "HashAlgorithm": "Sha384 { ... }",
      "PCR0": "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18db",
      "PCR1": "39d080b5616c237f71c6758aaf69153da99f817093c08d022008294563188cbc2f2ae6637dc240ec1ffb1b56aed9d277",
      "PCR2": "e7ce00e68e557da1b82a08b4b8e6bc993d47ed12813b944598249024f993605aadd6da944a15a618aea1ab51adbfc507",
      "PCR8": "cadbe917b14cd5f1fc3c1696454e8fbd313d2a1e67f4256dc9c9714da7c2ba63b5f85b29f93660d4cf212f7437a9da61"
    }
  })");
  return record;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    nlohmann::json policy =
        eifkit::parse_json_object(std::span(data, size), "fuzz.json",
                                  "a policy (an AWS key policy or a Huawei IAM policy, JSON)");
    std::string action = eifkit::default_check_action(policy);
    eifkit::PolicyVerdict v =
        eifkit::check_policy(policy, "fuzz.json", signed_record(), "signed.build.json", action);
    (void)v.report.dump();
    (void)eifkit::unevaluated_summary(v);
    // And with the caller named, as --principal does: Principal and NotPrincipal evaluated.
    eifkit::PolicyMeasurements m = eifkit::record_measurements(signed_record(), "signed.build.json");
    (void)eifkit::check_policy(policy, "fuzz.json", m,
                               eifkit::PolicyRequest{action, "arn:aws:iam::111122223333:role/app"})
        .report.dump();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
