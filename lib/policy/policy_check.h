// Would this image be allowed? Evaluates the attestation conditions of an AWS KMS or Huawei
// IAM policy against a build record's measurements, for one action:
//
// - A statement applies when one of its Action patterns matches the action (case-insensitive,
//   with * and ? wildcards, so "*" and "kms:*" match), or none of its NotAction patterns does.
// - Its attestation conditions are those on kms:RecipientAttestation:PCR<N>, :ImageSha384
//   (= PCR0) and the slash forms, under StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
//   StringEquals or StringNotEquals, with a string or a list (any of) as the value. Other
//   operators on these keys make the policy unusable here. Conditions on other keys, Principal
//   and Resource concern the caller, not the image: they are assumed to hold.
// - Denied when an applying Deny statement has attestation conditions and all of them hold.
//   A Deny statement without attestation conditions is unrelated to the image.
// - Otherwise allowed when an applying Allow statement has attestation conditions that all
//   hold ("allow"), or has none ("allow-without-attestation": the policy does not pin the
//   image for this action). Otherwise denied ("no-matching-allow").
//
// An unsigned image's PCR8 is 96 zeros, as its attestation document reports; a condition on a
// PCR the record does not hold (PCR3, PCR4: runtime values) is an Error. A request without an
// attestation document has none of the keys: as in IAM, an absent key matches no value, so
// StringEquals conditions fail and StringNotEquals conditions hold.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

struct PolicyVerdict {
  bool allowed = false;
  // {"Allowed", "Action", "Decision": "allow" | "allow-without-attestation" | "deny" |
  //  "no-matching-allow", "Reason": one line, "Statement": {"Index" (from 0), "Sid"} or null,
  //  "Condition": the deciding conditions in policy syntax or null, "Measured": {key: the
  //  image's value} for each key in Condition}
  nlohmann::json report;
};

// The values a key service compares with the conditions: a build record's (predicted) or an
// attestation document's (reported), or none at all.
struct PolicyMeasurements {
  std::string source;               // the file, for errors
  std::string what = "the record";  // "the record", "the attestation document"
  std::map<int, std::string> pcrs;  // lowercase hex by PCR number
  size_t hex_digits = 96;
  bool unsigned_pcr8_is_zero = false;  // a record without PCR8 is of an unsigned image
  bool no_document = false;            // the request carries no attestation document
};

PolicyMeasurements record_measurements(const nlohmann::json& record, const std::string& source);

PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const PolicyMeasurements& measurements, const std::string& action);

// Errors (a malformed policy or record, an unsupported operator) name their source.
PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const nlohmann::json& record, const std::string& record_source,
                           const std::string& action);

// The action checked when none is given: kms:Decrypt for an AWS policy, kms:cmk:decryptData
// for a Huawei 5.0 policy, kms:cmk:decrypt for a 1.1 one.
std::string default_check_action(const nlohmann::json& policy);

}  // namespace eifkit
