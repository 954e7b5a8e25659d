#include "lib/policy/policy_huawei.h"

#include <algorithm>

#include "lib/base/error.h"

namespace eifkit {

template <size_t N>
static nlohmann::json actions(const std::array<const char*, N>& names) {
  return std::vector<std::string>(names.begin(), names.end());
}

nlohmann::json huawei_policy(const std::vector<PolicyRecord>& records,
                             const HuaweiPolicyOptions& options) {
  std::vector<int> pcrs = options.pcrs ? *options.pcrs : default_policy_pcrs(records, {0});
  std::sort(pcrs.begin(), pcrs.end());
  pcrs.erase(std::unique(pcrs.begin(), pcrs.end()), pcrs.end());
  if (pcrs.empty()) {
    throw Error("no condition key: a policy without one would admit any image (give --pcrs)");
  }
  nlohmann::json condition = nlohmann::json::object();
  for (const MergedPcr& m : merge_policy_pcrs(records, pcrs)) {
    condition["kms:RecipientAttestation/PCR" + std::to_string(m.pcr)] = value_list(m.values);
  }
  const bool v5 = options.version == HuaweiPolicyVersion::kV5_0;
  nlohmann::json statements = nlohmann::json::array();
  statements.push_back(
      {{"Effect", "Allow"},
       {"Action", v5 ? actions(kHuaweiAttestedActions) : actions(kHuaweiRoleActions)},
       {"Condition", {{"StringEqualsIgnoreCase", condition}}}});
  if (v5) statements.push_back({{"Effect", "Allow"}, {"Action", actions(kHuaweiEncryptActions)}});
  return {{"Version", v5 ? "5.0" : "1.1"}, {"Statement", statements}};
}

}  // namespace eifkit
