#include "lib/policy/policy_aws.h"

#include <algorithm>

#include "lib/base/error.h"

namespace eifkit {

namespace {

struct ConditionKey {
  std::string suffix;  // "PCR0", "ImageSha384"
  std::vector<std::string> values;
};

std::vector<ConditionKey> condition_keys(const std::vector<PolicyRecord>& records,
                                         const AwsPolicyOptions& o) {
  std::vector<int> pcrs = o.pcrs ? *o.pcrs : default_policy_pcrs(records, {0, 1, 2});
  std::sort(pcrs.begin(), pcrs.end());
  pcrs.erase(std::unique(pcrs.begin(), pcrs.end()), pcrs.end());
  std::vector<int> wanted = pcrs;
  if (o.image_sha384) wanted.push_back(0);
  std::vector<MergedPcr> merged = merge_policy_pcrs(records, wanted);
  std::vector<ConditionKey> keys;
  if (o.image_sha384) keys.push_back({"ImageSha384", merged.back().values});
  for (size_t i = 0; i < pcrs.size(); ++i) {
    keys.push_back({"PCR" + std::to_string(merged[i].pcr), merged[i].values});
  }
  if (keys.empty()) {
    throw Error(
        "no condition key: a policy without one would admit any image (give --pcrs or "
        "--image-sha384)");
  }
  return keys;
}

nlohmann::json statement(const AwsPolicyOptions& o, const std::string& sid, const std::string& op,
                         const nlohmann::json& condition) {
  nlohmann::json s;
  if (!sid.empty()) s["Sid"] = sid;
  s["Effect"] = o.effect == PolicyEffect::kAllow ? "Allow" : "Deny";
  if (!o.principals.empty()) s["Principal"] = {{"AWS", string_or_list(o.principals)}};
  std::vector<std::string> actions = o.actions;
  if (actions.empty()) actions.assign(kAwsAttestedActions.begin(), kAwsAttestedActions.end());
  s["Action"] = string_or_list(actions);
  s["Resource"] = "*";
  s["Condition"] = {{op, condition}};
  return s;
}

std::string key_name(const ConditionKey& k) {
  return "kms:RecipientAttestation:" + k.suffix;
}

}  // namespace

nlohmann::json aws_policy_statements(const std::vector<PolicyRecord>& records,
                                     const AwsPolicyOptions& options) {
  std::vector<ConditionKey> keys = condition_keys(records, options);
  if (options.effect == PolicyEffect::kAllow) {
    nlohmann::json condition = nlohmann::json::object();
    for (const ConditionKey& k : keys) condition[key_name(k)] = string_or_list(k.values);
    return statement(options, options.sid, "StringEqualsIgnoreCase", condition);
  }
  nlohmann::json statements = nlohmann::json::array();
  for (const ConditionKey& k : keys) {
    std::string sid =
        options.sid.empty() || keys.size() == 1 ? options.sid : options.sid + k.suffix;
    statements.push_back(statement(options, sid, "StringNotEqualsIgnoreCase",
                                   {{key_name(k), string_or_list(k.values)}}));
  }
  return statements;
}

nlohmann::json aws_policy_document(const std::vector<PolicyRecord>& records,
                                   const AwsPolicyOptions& options) {
  nlohmann::json statements = aws_policy_statements(records, options);
  if (!statements.is_array()) statements = nlohmann::json::array({statements});
  if (!options.admins.empty()) {
    std::vector<std::string> actions(kAwsKeyAdminActions.begin(), kAwsKeyAdminActions.end());
    statements.insert(statements.begin(),
                      nlohmann::json{{"Sid", "KeyAdministration"},
                                     {"Effect", "Allow"},
                                     {"Principal", {{"AWS", string_or_list(options.admins)}}},
                                     {"Action", actions},
                                     {"Resource", "*"}});
  }
  return {{"Version", kAwsPolicyVersion}, {"Statement", statements}};
}

}  // namespace eifkit
