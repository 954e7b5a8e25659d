#include "lib/attestation/attestation_policy.h"

#include "formats/hex.h"

namespace eifkit {

PolicyMeasurements attestation_measurements(const DecodedAttestation& d) {
  PolicyMeasurements m;
  m.source = d.input.path;
  m.what = "the attestation document";
  for (const auto& [index, value] : d.document.pcrs) {
    m.pcrs[static_cast<int>(index)] = to_hex(value);
    m.hex_digits = 2 * value.size();
  }
  return m;
}

PolicyVerdict check_policy_with_attestation(const nlohmann::json& policy,
                                            const std::string& policy_source,
                                            const AttestationVerdict& attestation,
                                            const PolicyRequest& request) {
  const std::string& action = request.action;
  nlohmann::json summary = nlohmann::json::object();
  for (const char* key : {"Verified", "Checks", "Failed", "Problems", "Warnings", "Platform", "Root", "At"}) {
    if (attestation.report.contains(key)) summary[key] = attestation.report[key];
  }
  if (attestation.status != AttestationVerdict::Status::kVerified) {
    std::string why;
    for (const auto& name : attestation.report["Failed"]) {
      why += (why.empty() ? "" : "; ") + name.get<std::string>() + ": " +
             attestation.report["Problems"][name.get<std::string>()].get<std::string>();
    }
    nlohmann::json report = {
        {"Allowed", false},
        {"Action", action},
        {"Decision", "document-rejected"},
        {"Reason",
         "the key service would reject the attestation document before reading any "
         "policy: " +
             why},
        {"Statement", nullptr},
        {"Condition", nullptr},
        {"Measured", nullptr},
        {"Attestation", summary}};
    return {false, report};
  }
  PolicyVerdict v =
      check_policy(policy, policy_source, attestation_measurements(*attestation.decoded), request);
  v.report["Attestation"] = summary;
  return v;
}

}  // namespace eifkit
