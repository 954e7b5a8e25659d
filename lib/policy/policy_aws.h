// AWS KMS key-policy statements that pin enclave images by their attestation PCRs. Keys
// kms:RecipientAttestation:PCR<N> and :ImageSha384 (= PCR0), lowercase values, one value as a
// string and several (a rollout) as a list.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/policy/policy_values.h"

namespace eifkit {

inline constexpr const char* kAwsPolicyVersion = "2012-10-17";
// The KMS operations that honour attestation conditions.
inline constexpr std::array<const char*, 5> kAwsAttestedActions = {
    "kms:Decrypt", "kms:DeriveSharedSecret", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
    "kms:GenerateRandom"};

enum class PolicyEffect { kAllow, kDeny };

struct AwsPolicyOptions {
  std::optional<std::vector<int>> pcrs;  // nullopt: 0, 1, 2, and 8 when every record is signed
  bool image_sha384 = false;             // add kms:RecipientAttestation:ImageSha384
  PolicyEffect effect = PolicyEffect::kAllow;
  std::vector<std::string> principals;  // {"AWS": ARN or [ARNs]}; none: no Principal
  std::vector<std::string> actions;     // empty: kAwsAttestedActions
  std::string sid;                      // empty: no Sid
  std::vector<std::string> admins;      // document only: key administrators (no Decrypt)
};

// What AWS's console grants key administrators: managing the key, never using it. A key
// policy without an administrator statement locks everyone (the account root too) out of
// changing it.
inline constexpr std::array<const char*, 14> kAwsKeyAdminActions = {"kms:CancelKeyDeletion",
                                                                    "kms:Create*",
                                                                    "kms:Delete*",
                                                                    "kms:Describe*",
                                                                    "kms:Disable*",
                                                                    "kms:Enable*",
                                                                    "kms:Get*",
                                                                    "kms:List*",
                                                                    "kms:Put*",
                                                                    "kms:Revoke*",
                                                                    "kms:ScheduleKeyDeletion",
                                                                    "kms:TagResource",
                                                                    "kms:UntagResource",
                                                                    "kms:Update*"};

// Allow: one statement, "Condition": {"StringEqualsIgnoreCase": {every key}}.
// Deny: an array of statements, one per key, each "StringNotEqualsIgnoreCase": {key}. AWS
// ANDs the keys of one condition block, so a single Deny naming PCR0 and PCR1 would deny only
// images that differ in both; one statement per key denies an image that differs in any.
// With several statements, each Sid (when given) is suffixed with its key's name ("PCR0",
// "ImageSha384"). Errors: see merge_policy_pcrs, and a statement with no condition key.
nlohmann::json aws_policy_statements(const std::vector<PolicyRecord>& records,
                                     const AwsPolicyOptions& options);

// {"Version": "2012-10-17", "Statement": [the statements above]}, preceded by a
// "KeyAdministration" statement when options.admins is given.
nlohmann::json aws_policy_document(const std::vector<PolicyRecord>& records,
                                   const AwsPolicyOptions& options);

}  // namespace eifkit
