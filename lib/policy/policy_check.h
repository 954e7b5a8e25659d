// Would this image be allowed? Evaluates an AWS KMS or Huawei IAM policy for one action with
// the measurements a key service would read (a build record's, predicted, or an attestation
// document's, reported), as the service evaluates it:
//
// - A statement applies when one of its Action patterns matches the action (case-insensitive,
//   with * and ? wildcards, so "*" and "kms:*" match), or none of its NotAction patterns does.
//   A statement with both is refused, as AWS refuses it.
// - Its conditions are evaluated when their key carries a measurement:
//   kms:RecipientAttestation:PCR<N> and :ImageSha384 (= PCR0) in an AWS policy,
//   kms:RecipientAttestation/PCR<N> in a Huawei one (policy_keys.h), under
//   StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringEquals or StringNotEquals, with a
//   string or a list (any of) as the value. Other operators on these keys make the policy
//   unusable here (Error). A kms:RecipientAttestation key the service never sets (PCR00,
//   PCR+0, the other service's separator) is evaluated as the service does, as an absent key,
//   and reported by name. Conditions on other keys, and a Principal other than "*", concern
//   the caller: eifkit cannot evaluate them (a Principal it can, when told the caller's ARN).
// - A statement matches when its evaluated conditions all hold and nothing is left
//   unevaluated; it may match when they hold but something about the caller is unevaluated.
// - An explicit Deny wins: "deny" when an applying Deny statement matches (one with no
//   condition at all matches every request). Otherwise "no-matching-allow" when no applying
//   Allow statement matches or may match. Otherwise "undetermined" when a Deny statement may
//   match: the answer depends on the caller, and is never "allow". Otherwise "allow" when an
//   Allow statement with measurement conditions matches (or may match: the caller is assumed
//   to be the one it names, and the report lists what was assumed), or
//   "allow-without-attestation" when only one without them does (the policy does not pin the
//   image for this action).
//
// An unsigned image's PCR8 is 96 zeros, as its attestation document reports; a condition on a
// PCR the record does not hold (PCR3, PCR4: runtime values) is an Error. A request without an
// attestation document has none of the keys: as in IAM, an absent key matches no value, so
// StringEquals conditions fail and StringNotEquals conditions hold.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

struct PolicyVerdict {
  bool allowed = false;
  // {"Allowed", "Action", "Decision": "allow" | "allow-without-attestation" | "deny" |
  //  "undetermined" | "no-matching-allow", "Reason": one line, "Statement": {"Index" (from
  //  0), "Sid"} or null, "Condition": the deciding conditions in policy syntax or null,
  //  "Measured": {key: the image's value} for each key in Condition, "Statements": one entry
  //  per statement saying whether and why it matched, "Unevaluated": what eifkit could not
  //  evaluate in the applying statements, "UnknownKeys": attestation-like keys the service
  //  never sets}
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

// The request checked: the action and, when known, the calling principal's ARN.
struct PolicyRequest {
  std::string action;
  std::optional<std::string> principal;
};

PolicyMeasurements record_measurements(const nlohmann::json& record, const std::string& source);

PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const PolicyMeasurements& measurements, const PolicyRequest& request);
PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const PolicyMeasurements& measurements, const std::string& action);

// Errors (a malformed policy or record, an unsupported operator) name their source.
PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const nlohmann::json& record, const std::string& record_source,
                           const std::string& action);

// The action checked when none is given: kms:Decrypt for an AWS policy, kms:cmk:decryptData
// for a Huawei 5.0 policy, kms:cmk:decrypt for a 1.1 one.
std::string default_check_action(const nlohmann::json& policy);

// For --strict: one line naming everything a verdict left unevaluated, or "" when nothing;
// with conditions_only, its conditions on the caller alone (not Principals).
std::string unevaluated_summary(const PolicyVerdict& verdict, bool conditions_only = false);

}  // namespace eifkit
