// The condition keys and principals of a key policy, as the key service reads them: which keys
// carry an enclave's measurements, spelled exactly as AWS KMS and Huawei KMS set them, and
// whether a statement's Principal names a given caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eifkit {

// AWS ("Version": "2012-10-17", or none) writes kms:RecipientAttestation:PCR0; Huawei ("5.0",
// "1.1") writes kms:RecipientAttestation/PCR0.
enum class PolicyDialect { kAws, kHuawei };
PolicyDialect policy_dialect(const nlohmann::json& policy);

struct ConditionKey {
  enum class Kind {
    kMeasurement,         // a key the service sets from the attestation document: `pcr` says which
    kUnknownAttestation,  // starts like one, but the service sets no such key (PCR00, PCR+0)
    kOther,               // about the caller or the request (aws:SourceIp, kms:ViaService, ...)
  };
  Kind kind = Kind::kOther;
  int pcr = -1;
  std::string note;  // kUnknownAttestation: why the service never sets it, one clause
};

// Key names compare case-insensitively, as IAM's do ("Context key names are not
// case-sensitive"); the rest is literal: PCR indexes 0 to 31 in plain decimal, ImageSha384
// (= PCR0) in AWS only, and each service's own separator.
ConditionKey classify_condition_key(const std::string& key, PolicyDialect dialect);

// ASCII case-insensitive equality, as IAM compares key names, actions and IgnoreCase values.
bool equal_ignore_case(std::string_view a, std::string_view b);

// Whether a Principal (or NotPrincipal) value names `caller` (an IAM ARN): "*", {"AWS": "*"},
// the ARN itself, or its account ("111122223333" or "arn:aws:iam::111122223333:root").
bool principal_names(const nlohmann::json& principal, const std::string& caller);
// True for "*" and {"AWS": "*"}: everyone, so nothing about the caller to evaluate.
bool principal_is_everyone(const nlohmann::json& principal);

}  // namespace eifkit
