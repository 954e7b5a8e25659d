// Huawei Cloud IAM policies that let only given QingTian enclave images use a KMS key: keys
// kms:RecipientAttestation/PCR<N> (a slash), operator StringEqualsIgnoreCase, values always
// a list. Version 5.0 is the identity policy of the QingTian workflow; 1.1 the older
// role-policy form.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/policy/policy_values.h"

namespace eifkit {

enum class HuaweiPolicyVersion { kV5_0, kV1_1 };

// Actions of the attested statement in each form, and the 5.0 form's second, unconditioned
// statement (encryption needs no attestation).
inline constexpr std::array<const char*, 4> kHuaweiAttestedActions = {
    "kms::generateRandom", "kms:cmk:createDataKey", "kms:cmk:decryptData",
    "kms:cmk:decryptDataKey"};
inline constexpr std::array<const char*, 2> kHuaweiEncryptActions = {"kms:cmk:encryptData",
                                                                     "kms:cmk:encryptDataKey"};
inline constexpr std::array<const char*, 2> kHuaweiRoleActions = {"kms:cmk:decrypt",
                                                                  "kms:dek:decrypt"};

struct HuaweiPolicyOptions {
  std::optional<std::vector<int>> pcrs;  // nullopt: 0, and 8 when every record is signed
  HuaweiPolicyVersion version = HuaweiPolicyVersion::kV5_0;
};

// 5.0: {"Version": "5.0", "Statement": [{Allow, kHuaweiAttestedActions, Condition},
//                                        {Allow, kHuaweiEncryptActions}]}
// 1.1: {"Version": "1.1", "Statement": [{Allow, kHuaweiRoleActions, Condition}]}
// Errors: see merge_policy_pcrs, and an empty PCR set.
nlohmann::json huawei_policy(const std::vector<PolicyRecord>& records,
                             const HuaweiPolicyOptions& options);

}  // namespace eifkit
