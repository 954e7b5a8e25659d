// policy check: allowed by an attested Allow, denied by a Deny-unless statement, denied
// because no Allow matches, case-insensitive matching, policies full of unrelated statements,
// action wildcards, Huawei policies, and the policies eifkit itself emits.
#include "lib/policy/policy_check.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"
#include "lib/policy/policy_aws.h"
#include "lib/policy/policy_huawei.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::vector_path;

const std::string kPcr0Two =
    "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18"
    "db";
const std::string kPcr0Three =
    "67b70198e872fa9f82ed27c48c23cc1bf13720f7c2960d289ed96fe427f321fbb0489fba4300a3a1c2f75adac5717d"
    "d4";
const std::string kPcr1 =
    "39d080b5616c237f71c6758aaf69153da99f817093c08d022008294563188cbc2f2ae6637dc240ec1ffb1b56aed9d2"
    "77";
const std::string kPcr8 =
    "cadbe917b14cd5f1fc3c1696454e8fbd313d2a1e67f4256dc9c9714da7c2ba63b5f85b29f93660d4cf212f7437a9da"
    "61";

json record_of(const std::string& name) {
  return build_record_from_eif(vector_path("eif/" + name + ".eif"));
}

PolicyVerdict check(const json& policy, const std::string& image,
                    const std::string& action = "kms:Decrypt") {
  return check_policy(policy, "policy.json", record_of(image), image + ".eif", action);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// The usual first statement of a KMS key policy: the account's IAM policies decide.
const json kRootStatement = json::parse(R"({
  "Sid": "Enable IAM User Permissions", "Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"
})");

json allow_pcr0(const json& values, const std::string& op = "StringEqualsIgnoreCase",
                const std::string& key = "kms:RecipientAttestation:PCR0") {
  return {{"Sid", "EnclaveDecrypt"},
          {"Effect", "Allow"},
          {"Principal", {{"AWS", "arn:aws:iam::111122223333:role/app"}}},
          {"Action", "kms:Decrypt"},
          {"Resource", "*"},
          {"Condition", {{op, {{key, values}}}}}};
}

json policy_of(const json& statements) {
  return {{"Version", "2012-10-17"}, {"Statement", statements}};
}

// The decision alone, without the per-statement account (tested on its own below).
json decision_of(const PolicyVerdict& v) {
  json j = v.report;
  for (const char* detail : {"Statements", "Unevaluated", "UnknownKeys"}) j.erase(detail);
  return j;
}

// ---- Decisions ------------------------------------------------------------------------------

TEST(PolicyCheck, AllowedByAnAttestedAllow) {
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two)}), "two-ramdisks");
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(decision_of(v), json::parse(R"({
    "Allowed": true,
    "Action": "kms:Decrypt",
    "Decision": "allow",
    "Reason": "statement 0 (\"EnclaveDecrypt\") allows kms:Decrypt: kms:RecipientAttestation:PCR0 is 00f8ba2ee8220a48..., one of the values its StringEqualsIgnoreCase condition lists",
    "Statement": {"Index": 0, "Sid": "EnclaveDecrypt"},
    "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": ")" +
                                        kPcr0Two + R"("}},
    "Measured": {"kms:RecipientAttestation:PCR0": ")" +
                                        kPcr0Two + R"("}
  })"));
}

TEST(PolicyCheck, DeniedByADenyUnlessStatement) {
  json deny = {{"Sid", "DenyUnlessAttested"},
               {"Effect", "Deny"},
               {"Principal", {{"AWS", "*"}}},
               {"Action", {"kms:Decrypt", "kms:GenerateDataKey"}},
               {"Resource", "*"},
               {"Condition",
                {{"StringNotEqualsIgnoreCase", {{"kms:RecipientAttestation:PCR0", {kPcr0Two}}}}}}};
  json policy = policy_of({kRootStatement, deny});
  PolicyVerdict v = check(policy, "three-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(decision_of(v), json::parse(R"({
    "Allowed": false,
    "Action": "kms:Decrypt",
    "Decision": "deny",
    "Reason": "statement 1 (\"DenyUnlessAttested\") denies kms:Decrypt: kms:RecipientAttestation:PCR0 is 67b70198e872fa9f..., not the value its StringNotEqualsIgnoreCase condition lists",
    "Statement": {"Index": 1, "Sid": "DenyUnlessAttested"},
    "Condition": {"StringNotEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": [")" +
                                        kPcr0Two + R"("]}},
    "Measured": {"kms:RecipientAttestation:PCR0": ")" +
                                        kPcr0Three + R"("}
  })"));
  // The right image passes the Deny; the root statement, which pins nothing, allows it.
  PolicyVerdict ok = check(policy, "two-ramdisks");
  EXPECT_TRUE(ok.allowed);
  EXPECT_EQ(ok.report["Decision"], "allow-without-attestation");
  EXPECT_EQ(ok.report["Statement"], json({{"Index", 0}, {"Sid", "Enable IAM User Permissions"}}));
  EXPECT_EQ(ok.report["Reason"],
            "statement 0 (\"Enable IAM User Permissions\") allows kms:Decrypt with no "
            "attestation condition: the policy does not pin the image for kms:Decrypt");
  EXPECT_EQ(ok.report["Condition"], nullptr);
}

TEST(PolicyCheck, DeniedBecauseNoAllowMatches) {
  PolicyVerdict v = check(policy_of({allow_pcr0(json{kPcr0Two, upper(kPcr8)})}), "three-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.report["Decision"], "no-matching-allow");
  EXPECT_EQ(v.report["Statement"], json({{"Index", 0}, {"Sid", "EnclaveDecrypt"}}));
  EXPECT_EQ(v.report["Reason"],
            "no Allow statement for kms:Decrypt matches: in statement 0 (\"EnclaveDecrypt\"), "
            "kms:RecipientAttestation:PCR0 is 67b70198e872fa9f..., none of the 2 values its "
            "StringEqualsIgnoreCase condition lists");
  EXPECT_EQ(v.report["Measured"], json({{"kms:RecipientAttestation:PCR0", kPcr0Three}}));
}

TEST(PolicyCheck, DeniedWhenNoAllowStatementAppliesToTheAction) {
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two)}), "two-ramdisks", "kms:Encrypt");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(decision_of(v), json::parse(R"({
    "Allowed": false, "Action": "kms:Encrypt", "Decision": "no-matching-allow",
    "Reason": "no Allow statement applies to kms:Encrypt",
    "Statement": null, "Condition": null, "Measured": null
  })"));
}

TEST(PolicyCheck, CaseInsensitiveMatch) {
  // Uppercase values, and a key spelled in another case: IgnoreCase matches.
  EXPECT_TRUE(check(policy_of({allow_pcr0(upper(kPcr0Two))}), "two-ramdisks").allowed);
  EXPECT_TRUE(check(policy_of({allow_pcr0(upper(kPcr0Two), "StringEqualsIgnoreCase",
                                          "KMS:recipientattestation:pcr0")}),
                    "two-ramdisks")
                  .allowed);
  // StringEquals is case-sensitive.
  PolicyVerdict strict =
      check(policy_of({allow_pcr0(upper(kPcr0Two), "StringEquals")}), "two-ramdisks");
  EXPECT_FALSE(strict.allowed);
  EXPECT_EQ(strict.report["Decision"], "no-matching-allow");
  EXPECT_TRUE(check(policy_of({allow_pcr0(kPcr0Two, "StringEquals")}), "two-ramdisks").allowed);
  // The action is matched case-insensitively too.
  EXPECT_TRUE(check(policy_of({allow_pcr0(kPcr0Two)}), "two-ramdisks", "KMS:decrypt").allowed);
}

TEST(PolicyCheck, PolicyWithUnrelatedStatements) {
  json policy = json::parse(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Sid": "Allow key administration", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin"},
       "Action": ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:ScheduleKeyDeletion"],
       "Resource": "*"},
      {"Sid": "EncryptFromAnEnclaveOnly", "Effect": "Allow", "Action": "kms:Encrypt",
       "Resource": "*",
       "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": "ffff"},
                     "ForAnyValue:StringLike": {"kms:RecipientAttestation:PCR3": "*"}}},
      {"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "kms:*",
       "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
      {"Sid": "DenyOtherAccounts", "Effect": "Deny", "Principal": "*", "Action": "*",
       "Resource": "*",
       "Condition": {"StringNotEquals": {"kms:CallerAccount": "111122223333"}}},
      {"Sid": "EnclaveDecrypt", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
       "Action": "kms:Decrypt", "Resource": "*",
       "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR1": "set below",
                                                "kms:RecipientAttestation:PCR2": "set below"},
                     "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}}
    ]
  })");
  json& pins = policy["Statement"][4]["Condition"]["StringEqualsIgnoreCase"];
  pins["kms:RecipientAttestation:PCR1"] = kPcr1;
  pins["kms:RecipientAttestation:PCR2"] = record_of("two-ramdisks")["Measurements"]["PCR2"];
  // The two Deny statements depend on the caller (its transport, its account), which eifkit
  // cannot know: the image's Allow matches, but the answer is not "allow".
  PolicyVerdict v = check(policy, "two-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.report["Decision"], "undetermined");
  EXPECT_EQ(v.report["Statement"], json({{"Index", 2}, {"Sid", "DenyPlainHttp"}}));
  EXPECT_EQ(v.report["Reason"],
            "statement 2 (\"DenyPlainHttp\") denies kms:Decrypt if its Bool condition on "
            "aws:SecureTransport holds, which eifkit does not evaluate: the answer depends on "
            "the caller (statement 4 (\"EnclaveDecrypt\") allows kms:Decrypt otherwise)");
  EXPECT_EQ(v.report["Condition"], nullptr);
  std::vector<std::string> matches;
  for (const json& st : v.report["Statements"]) matches.push_back(st["Match"]);
  EXPECT_EQ(matches, (std::vector<std::string>{"not-applicable", "not-applicable", "may-match",
                                               "may-match", "may-match"}));
  EXPECT_EQ(v.report["Unevaluated"], json::parse(R"([
    {"Index": 2, "Sid": "DenyPlainHttp", "Element": "Condition", "Operator": "Bool",
     "Key": "aws:SecureTransport", "Value": "false"},
    {"Index": 3, "Sid": "DenyOtherAccounts", "Element": "Condition",
     "Operator": "StringNotEquals", "Key": "kms:CallerAccount", "Value": "111122223333"},
    {"Index": 4, "Sid": "EnclaveDecrypt", "Element": "Principal",
     "Value": {"AWS": "arn:aws:iam::111122223333:role/app"}},
    {"Index": 4, "Sid": "EnclaveDecrypt", "Element": "Condition", "Operator": "ArnLike",
     "Key": "aws:PrincipalArn", "Value": "arn:aws:iam::111122223333:role/*"}
  ])"));
  // Without them, the Allow decides, and its ArnLike (about the caller) is not among the
  // conditions on the image.
  json without_denies = policy;
  without_denies["Statement"].erase(2);
  without_denies["Statement"].erase(2);
  PolicyVerdict allowed = check(without_denies, "two-ramdisks");
  EXPECT_TRUE(allowed.allowed);
  EXPECT_EQ(allowed.report["Decision"], "allow");
  EXPECT_EQ(allowed.report["Statement"], json({{"Index", 2}, {"Sid", "EnclaveDecrypt"}}));
  EXPECT_EQ(allowed.report["Condition"]["StringEqualsIgnoreCase"].size(), 2u);
  EXPECT_EQ(allowed.report["Condition"].size(), 1u);
  // The other image has another PCR2: the one Allow for kms:Decrypt does not match, and the
  // Encrypt statement's unsupported operator is never evaluated.
  PolicyVerdict other = check(policy, "three-ramdisks");
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.report["Decision"], "no-matching-allow");
  EXPECT_EQ(other.report["Condition"],
            json({{"StringEqualsIgnoreCase",
                   {{"kms:RecipientAttestation:PCR2",
                     policy["Statement"][4]["Condition"]["StringEqualsIgnoreCase"]
                           ["kms:RecipientAttestation:PCR2"]}}}}));
}

TEST(PolicyCheck, ActionWildcardsAndNotAction) {
  for (const char* pattern : {"*", "kms:*", "kms:De*", "KMS:decrYPT", "kms:Decryp?"}) {
    json s = allow_pcr0(kPcr0Two);
    s["Action"] = pattern;
    EXPECT_TRUE(check(policy_of({s}), "two-ramdisks").allowed) << pattern;
  }
  for (const char* pattern : {"kms:Decrypt?", "kms:Gen*", "kms:De"}) {
    json s = allow_pcr0(kPcr0Two);
    s["Action"] = pattern;
    EXPECT_FALSE(check(policy_of({s}), "two-ramdisks").allowed) << pattern;
  }
  json s = allow_pcr0(kPcr0Two);
  s.erase("Action");
  s["NotAction"] = {"kms:Encrypt", "kms:Sign"};
  EXPECT_TRUE(check(policy_of({s}), "two-ramdisks").allowed);
  EXPECT_FALSE(check(policy_of({s}), "two-ramdisks", "kms:Sign").allowed);
}

TEST(PolicyCheck, ImageSha384IsPcr0AndAStatementMayStandAlone) {
  json s = allow_pcr0(kPcr0Two, "StringEqualsIgnoreCase", "kms:RecipientAttestation:ImageSha384");
  json policy = {{"Version", "2012-10-17"}, {"Statement", s}};  // one object, not a list
  EXPECT_TRUE(check(policy, "two-ramdisks").allowed);
  EXPECT_FALSE(check(policy, "three-ramdisks").allowed);
}

TEST(PolicyCheck, OneDenyNamingTwoKeysOnlyDeniesImagesDifferingInBoth) {
  // AWS ANDs the keys of a condition block. three-ramdisks shares PCR1 with two-ramdisks, so
  // this Deny does not hold for it: why `policy aws --effect deny` writes one per key.
  json deny = {{"Effect", "Deny"},
               {"Action", "kms:Decrypt"},
               {"Condition",
                {{"StringNotEqualsIgnoreCase",
                  {{"kms:RecipientAttestation:PCR0", kPcr0Two},
                   {"kms:RecipientAttestation:PCR1", kPcr1}}}}}};
  EXPECT_TRUE(check(policy_of({kRootStatement, deny}), "three-ramdisks").allowed);

  AwsPolicyOptions o;
  o.pcrs = std::vector<int>{0, 1};
  o.effect = PolicyEffect::kDeny;
  json emitted = aws_policy_document({{"two.json", record_of("two-ramdisks")}}, o);
  emitted["Statement"].insert(emitted["Statement"].begin(), kRootStatement);
  PolicyVerdict v = check(emitted, "three-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.report["Decision"], "deny");
  EXPECT_EQ(v.report["Statement"], json({{"Index", 1}}));  // no Sid given
  EXPECT_EQ(v.report["Reason"],
            "statement 1 denies kms:Decrypt: kms:RecipientAttestation:PCR0 is "
            "67b70198e872fa9f..., not the value its StringNotEqualsIgnoreCase condition lists");
  EXPECT_TRUE(check(emitted, "two-ramdisks").allowed);
}

TEST(PolicyCheck, RolloutPolicyAllowsOldAndNewOnly) {
  std::vector<PolicyRecord> records = {{"old.json", record_of("two-ramdisks")},
                                       {"new.json", record_of("three-ramdisks")}};
  json policy = aws_policy_document(records, {});
  EXPECT_TRUE(check(policy, "two-ramdisks").allowed);
  EXPECT_TRUE(check(policy, "three-ramdisks").allowed);
  EXPECT_FALSE(check(policy, "one-ramdisk").allowed);
  for (const char* action : {"kms:Decrypt", "kms:DeriveSharedSecret", "kms:GenerateDataKey",
                             "kms:GenerateDataKeyPair", "kms:GenerateRandom"}) {
    EXPECT_TRUE(check(policy, "three-ramdisks", action).allowed) << action;
  }
}

TEST(PolicyCheck, HuaweiPolicyAndItsDefaultAction) {
  json policy = huawei_policy({{"signed.json", record_of("signed")}}, {});
  EXPECT_EQ(default_check_action(policy), "kms:cmk:decryptData");
  PolicyVerdict v = check(policy, "signed", default_check_action(policy));
  EXPECT_TRUE(v.allowed);
  EXPECT_EQ(v.report["Measured"], json({{"kms:RecipientAttestation/PCR0", kPcr0Two},
                                        {"kms:RecipientAttestation/PCR8", kPcr8}}));
  // Same PCR0 unsigned: its PCR8 is reported as zeros and does not match.
  PolicyVerdict unsigned_image = check(policy, "two-ramdisks", "kms:cmk:decryptData");
  EXPECT_FALSE(unsigned_image.allowed);
  EXPECT_EQ(unsigned_image.report["Measured"],
            json({{"kms:RecipientAttestation/PCR8", std::string(96, '0')}}));
  // Encryption needs no attestation.
  EXPECT_EQ(check(policy, "three-ramdisks", "kms:cmk:encryptData").report["Decision"],
            "allow-without-attestation");

  HuaweiPolicyOptions role;
  role.version = HuaweiPolicyVersion::kV1_1;
  json role_policy = huawei_policy({{"signed.json", record_of("signed")}}, role);
  EXPECT_EQ(default_check_action(role_policy), "kms:cmk:decrypt");
  EXPECT_TRUE(check(role_policy, "signed", "kms:cmk:decrypt").allowed);
  EXPECT_EQ(default_check_action(policy_of({kRootStatement})), "kms:Decrypt");
}

// ---- Unusable input -------------------------------------------------------------------------

TEST(PolicyCheckRefuses, UnsupportedOperatorOnAnAttestationKey) {
  json s = allow_pcr0({kPcr0Two}, "ForAnyValue:StringEquals");
  EXPECT_EQ(error_of([&] { check(policy_of({s}), "two-ramdisks"); }),
            "policy.json: Statement[0]: operator ForAnyValue:StringEquals on "
            "kms:RecipientAttestation:PCR0 is not supported (policy check evaluates "
            "StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringEquals and "
            "StringNotEquals)");
}

TEST(PolicyCheckRefuses, RuntimePcrTheRecordDoesNotHold) {
  json s = allow_pcr0(kPcr0Two, "StringEqualsIgnoreCase", "kms:RecipientAttestation:PCR3");
  EXPECT_EQ(error_of([&] { check(policy_of({s}), "two-ramdisks"); }),
            "two-ramdisks.eif: no PCR3 in the record, needed by the condition on "
            "kms:RecipientAttestation:PCR3 in policy.json: Statement[0]");
}

TEST(PolicyCheckRefuses, MalformedPolicies) {
  EXPECT_EQ(error_of([&] { check(json::array(), "two-ramdisks"); }),
            "policy.json: not a policy (expected a JSON object with a Statement)");
  EXPECT_EQ(error_of([&] {
              check(policy_of(json::array({json{{"Effect", "Maybe"}}})), "two-ramdisks");
            }),
            "policy.json: Statement[0]: Effect is not \"Allow\" or \"Deny\"");
  EXPECT_EQ(error_of([&] {
              check(policy_of(json::array({json{{"Effect", "Allow"}}})), "two-ramdisks");
            }),
            "policy.json: Statement[0]: has neither Action nor NotAction");
  json s = allow_pcr0(json{1, 2});
  EXPECT_EQ(error_of([&] { check(policy_of({s}), "two-ramdisks"); }),
            "policy.json: Statement[0]: Condition.StringEqualsIgnoreCase."
            "kms:RecipientAttestation:PCR0 is not a string or a list of strings");
  json both = allow_pcr0(kPcr0Two);
  both["NotAction"] = "kms:Sign";
  EXPECT_EQ(error_of([&] { check(policy_of({both}), "two-ramdisks"); }),
            "policy.json: Statement[0]: has both Action and NotAction; AWS rejects such a "
            "statement");
  json principals = allow_pcr0(kPcr0Two);
  principals["NotPrincipal"] = {{"AWS", "arn:aws:iam::111122223333:role/other"}};
  EXPECT_EQ(error_of([&] { check(policy_of({principals}), "two-ramdisks"); }),
            "policy.json: Statement[0]: has both Principal and NotPrincipal; AWS rejects such a "
            "statement");
}

// ---- Deny precedence, callers, key spellings --------------------------------------------------

json deny_all(const json& extra = json::object()) {
  json s = {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "kms:Decrypt"}, {"Resource", "*"}};
  s.update(extra);
  return s;
}

TEST(PolicyCheck, AnUnconditionalDenyWinsOverAMatchingAllow) {
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two), deny_all()}), "two-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(decision_of(v), json::parse(R"({
    "Allowed": false, "Action": "kms:Decrypt", "Decision": "deny",
    "Reason": "statement 1 denies kms:Decrypt: it has no condition, and an explicit Deny always wins",
    "Statement": {"Index": 1}, "Condition": null, "Measured": null
  })"));
  EXPECT_EQ(v.report["Statements"][1]["Match"], "matches");
  EXPECT_EQ(v.report["Statements"][1]["Reason"], "it covers kms:Decrypt with no condition");
  // Written with NotAction: a Deny of everything but Encrypt covers Decrypt...
  json not_action = deny_all();
  not_action.erase("Action");
  not_action["NotAction"] = "kms:Encrypt";
  EXPECT_EQ(check(policy_of({allow_pcr0(kPcr0Two), not_action}), "two-ramdisks").report["Decision"],
            "deny");
  // ...and one of everything but Decrypt does not.
  not_action["NotAction"] = "kms:Decrypt";
  PolicyVerdict allowed = check(policy_of({allow_pcr0(kPcr0Two), not_action}), "two-ramdisks");
  EXPECT_TRUE(allowed.allowed);
  EXPECT_EQ(allowed.report["Statements"][1]["Match"], "not-applicable");
  EXPECT_EQ(allowed.report["Statements"][1]["Reason"], "its NotAction covers kms:Decrypt");
}

TEST(PolicyCheck, ADenyOnTheCallerAloneLeavesTheAnswerUndetermined) {
  json deny = deny_all({{"Sid", "OnlyFromTheVpc"},
                        {"Condition", {{"NotIpAddress", {{"aws:SourceIp", "10.0.0.0/8"}}}}}});
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two), deny}), "two-ramdisks");
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.report["Decision"], "undetermined");
  EXPECT_EQ(v.report["Reason"],
            "statement 1 (\"OnlyFromTheVpc\") denies kms:Decrypt if its NotIpAddress condition on "
            "aws:SourceIp holds, which eifkit does not evaluate: the answer depends on the "
            "caller (statement 0 (\"EnclaveDecrypt\") allows kms:Decrypt otherwise)");
  EXPECT_EQ(v.report["Statements"][1]["Conditions"],
            json::parse(R"([{"Operator": "NotIpAddress", "Key": "aws:SourceIp",
                             "Value": "10.0.0.0/8", "Result": "not-evaluated"}])"));
  // A Deny that might apply does not matter when nothing allows: the answer is denied.
  PolicyVerdict other = check(policy_of({allow_pcr0(kPcr0Two), deny}), "three-ramdisks");
  EXPECT_EQ(other.report["Decision"], "no-matching-allow");
  // A Deny whose measurement condition fails does not apply, whatever its caller conditions.
  deny["Condition"]["StringNotEqualsIgnoreCase"] = {{"kms:RecipientAttestation:PCR0", kPcr0Two}};
  PolicyVerdict passes = check(policy_of({allow_pcr0(kPcr0Two), deny}), "two-ramdisks");
  EXPECT_TRUE(passes.allowed);
  EXPECT_EQ(passes.report["Statements"][1]["Match"], "does-not-match");
  EXPECT_EQ(passes.report["Unevaluated"].size(), 1u);  // the Allow's Principal only
}

TEST(PolicyCheck, PrincipalsAreEvaluatedWhenTheCallerIsNamed) {
  json deny_admin = deny_all({{"Principal", {{"AWS", "arn:aws:iam::111122223333:role/admin"}}}});
  json policy = policy_of({allow_pcr0(kPcr0Two), deny_admin});
  auto as = [&](const std::optional<std::string>& caller) {
    PolicyMeasurements m = record_measurements(record_of("two-ramdisks"), "two-ramdisks.eif");
    return check_policy(policy, "policy.json", m, PolicyRequest{"kms:Decrypt", caller});
  };
  EXPECT_EQ(as(std::nullopt).report["Decision"], "undetermined");
  PolicyVerdict app = as("arn:aws:iam::111122223333:role/app");
  EXPECT_TRUE(app.allowed);
  EXPECT_EQ(app.report["Decision"], "allow");
  EXPECT_EQ(app.report["Unevaluated"], json::array());
  EXPECT_EQ(app.report["Statements"][1]["Reason"],
            "its Principal {\"AWS\":\"arn:aws:iam::111122223333:role/admin\"} does not name "
            "arn:aws:iam::111122223333:role/app");
  EXPECT_EQ(as("arn:aws:iam::111122223333:role/admin").report["Decision"], "deny");
  PolicyVerdict stranger = as("arn:aws:iam::444455556666:role/app");
  EXPECT_EQ(stranger.report["Decision"], "no-matching-allow");
  EXPECT_EQ(stranger.report["Reason"],
            "no Allow statement for kms:Decrypt matches: in statement 0 (\"EnclaveDecrypt\"), its "
            "Principal {\"AWS\":\"arn:aws:iam::111122223333:role/app\"} does not name "
            "arn:aws:iam::444455556666:role/app");
  // The account's root names every principal of the account.
  json root = policy_of({kRootStatement});
  PolicyMeasurements m = record_measurements(record_of("two-ramdisks"), "two-ramdisks.eif");
  EXPECT_TRUE(check_policy(root, "policy.json", m,
                           PolicyRequest{"kms:Decrypt", "arn:aws:iam::111122223333:role/app"})
                  .allowed);
  EXPECT_FALSE(check_policy(root, "policy.json", m,
                            PolicyRequest{"kms:Decrypt", "arn:aws:iam::444455556666:role/app"})
                   .allowed);
}

TEST(PolicyCheck, KeysTheServiceNeverSetsAreAbsentAndNamed) {
  const std::string aws_note =
      "AWS KMS sets kms:RecipientAttestation:PCR0 to kms:RecipientAttestation:PCR31 and "
      "kms:RecipientAttestation:ImageSha384, PCR numbers in plain decimal";
  for (const char* key : {"kms:RecipientAttestation:PCR00", "kms:RecipientAttestation:PCR+0",
                          "kms:RecipientAttestation:PCR32", "kms:RecipientAttestation:Pcr99",
                          "kms:RecipientAttestation:PCR 0", "kms:RecipientAttestationPCR0"}) {
    PolicyVerdict v =
        check(policy_of({allow_pcr0(kPcr0Two, "StringEqualsIgnoreCase", key)}), "two-ramdisks");
    EXPECT_FALSE(v.allowed) << key;
    EXPECT_EQ(v.report["Decision"], "no-matching-allow") << key;
    EXPECT_EQ(
        v.report["UnknownKeys"],
        json::array({{{"Index", 0}, {"Sid", "EnclaveDecrypt"}, {"Key", key}, {"Note", aws_note}}}))
        << key;
    EXPECT_EQ(v.report["Reason"],
              "no Allow statement for kms:Decrypt matches: in statement 0 "
              "(\"EnclaveDecrypt\"), " +
                  std::string(key) + " is never set (" + aws_note +
                  "), so its StringEqualsIgnoreCase condition does not hold")
        << key;
  }
  // Key names are case-insensitive, as IAM's are: this is PCR0.
  EXPECT_TRUE(check(policy_of({allow_pcr0(kPcr0Two, "StringEqualsIgnoreCase",
                                          "kms:recipientattestation:pcr0")}),
                    "two-ramdisks")
                  .allowed);
  // Huawei's separator in an AWS policy names no key either; a negated condition on an absent
  // key holds, so this Deny denies every image.
  json deny =
      deny_all({{"Condition",
                 {{"StringNotEqualsIgnoreCase", {{"kms:RecipientAttestation/PCR0", kPcr0Two}}}}}});
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two), deny}), "two-ramdisks");
  EXPECT_EQ(v.report["Decision"], "deny");
  EXPECT_EQ(v.report["UnknownKeys"][0]["Note"],
            "it is Huawei's spelling; AWS KMS sets kms:RecipientAttestation:PCR0");
  // And AWS's in a Huawei policy.
  json huawei = huawei_policy({{"signed.json", record_of("signed")}}, {});
  json& pins = huawei["Statement"][0]["Condition"]["StringEqualsIgnoreCase"];
  pins["kms:RecipientAttestation:PCR0"] = pins["kms:RecipientAttestation/PCR0"];
  pins.erase("kms:RecipientAttestation/PCR0");
  PolicyVerdict h = check(huawei, "signed", "kms:cmk:decryptData");
  EXPECT_FALSE(h.allowed);
  EXPECT_EQ(h.report["UnknownKeys"][0]["Note"],
            "it is AWS's spelling; Huawei KMS sets kms:RecipientAttestation/PCR0");
}

TEST(PolicyCheck, UnevaluatedSummaryNamesWhatAnAllowRestsOn) {
  PolicyVerdict v = check(policy_of({allow_pcr0(kPcr0Two)}), "two-ramdisks");
  EXPECT_EQ(unevaluated_summary(v),
            "statement 0: Principal {\"AWS\":\"arn:aws:iam::111122223333:role/app\"}");
}

}  // namespace
}  // namespace eifkit
