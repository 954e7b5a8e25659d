// The policy reproducers of shared/vectors/verdicts/policy/ that eifkit answered wrongly
// (issue "Verdicts a security administrator can bet on"), each checked as the issue runs it:
// `policy check --policy FILE --attestation base-op-enclave-sample1-2024.cbor --at doc`, with
// the answer, the exit status and the messages it must give now; and --strict, for CI gates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using json = nlohmann::json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;

std::string reproducer(const std::string& name) {
  return vector_path("verdicts/policy/" + name);
}

RunResult check_with_document(const std::string& policy, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "policy",        "check",
      "--policy",      policy,
      "--attestation", vector_path("attestation/base-op-enclave-sample1-2024.cbor"),
      "--at",          "doc"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_eifkit(args);
}

void write_policy(const std::string& path, const json& policy) {
  std::string text = policy.dump();
  test::write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// 1. An explicit Deny without any condition denies, whatever the Allow before it says.
TEST(PolicyVerdicts, AnUnconditionalDenyDenies) {
  RunResult r = check_with_document(reproducer("deny-without-attestation-condition.json"));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err, "");
  json report = json::parse(r.out);
  EXPECT_EQ(report["Allowed"], false);
  EXPECT_EQ(report["Decision"], "deny");
  EXPECT_EQ(report["Reason"],
            "statement 1 denies kms:Decrypt: it has no condition, and an explicit Deny always "
            "wins");
  EXPECT_EQ(report["Statement"], json({{"Index", 1}}));
  // The Allow before it matches the document: the Deny alone decides.
  EXPECT_EQ(report["Statements"][0]["Match"], "may-match");
  EXPECT_EQ(report["Statements"][1]["Match"], "matches");
}

// 1. A Deny on keys eifkit cannot evaluate makes the answer undetermined, never "allow"; and
// --strict refuses to answer at all.
TEST(PolicyVerdicts, ADenyOnCallerKeysIsNeverAnAllow) {
  ScratchDir dir;
  json policy = test::read_json(reproducer("deny-without-attestation-condition.json"));
  policy["Statement"][1]["Condition"] = {{"IpAddress", {{"aws:SourceIp", "203.0.113.0/24"}}}};
  write_policy(dir / "policy.json", policy);
  RunResult r = check_with_document(dir / "policy.json");
  EXPECT_EQ(r.status, 1) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["Decision"], "undetermined");
  EXPECT_EQ(report["Reason"],
            "statement 1 denies kms:Decrypt if its IpAddress condition on aws:SourceIp holds, "
            "which eifkit does not evaluate: the answer depends on the caller (statement 0 "
            "allows kms:Decrypt otherwise)");

  RunResult strict = check_with_document(dir / "policy.json", {"--strict"});
  EXPECT_EQ(strict.status, 2);
  EXPECT_EQ(strict.out, "");
  EXPECT_EQ(strict.err, "eifkit: " + (dir / "policy.json") +
                            ": --strict: eifkit cannot evaluate statement 0: Principal "
                            "{\"AWS\":\"arn:aws:iam::111122223333:role/enclave\"}; statement 1: "
                            "IpAddress on aws:SourceIp\n");
}

// 1. The Deny's Principal decides once the caller is named.
TEST(PolicyVerdicts, ThePrincipalFlagEvaluatesPrincipals) {
  ScratchDir dir;
  json policy = test::read_json(reproducer("deny-without-attestation-condition.json"));
  policy["Statement"][1]["Principal"] = {{"AWS", "arn:aws:iam::111122223333:role/admin"}};
  write_policy(dir / "policy.json", policy);
  RunResult unnamed = check_with_document(dir / "policy.json");
  EXPECT_EQ(json::parse(unnamed.out)["Decision"], "undetermined");
  RunResult enclave = check_with_document(
      dir / "policy.json", {"--principal", "arn:aws:iam::111122223333:role/enclave", "--strict"});
  EXPECT_EQ(enclave.status, 0) << enclave.err;
  EXPECT_EQ(enclave.err, "");
  EXPECT_EQ(json::parse(enclave.out)["Decision"], "allow");
  RunResult admin = check_with_document(dir / "policy.json",
                                        {"--principal", "arn:aws:iam::111122223333:role/admin"});
  EXPECT_EQ(admin.status, 1);
  EXPECT_EQ(json::parse(admin.out)["Decision"], "deny");
}

// 2. Two blocks under one name: refused, naming the key and where it is.
TEST(PolicyVerdicts, DuplicateKeysAreRefused) {
  const std::string policy = reproducer("duplicate-condition-operator.json");
  RunResult r = check_with_document(policy);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + policy +
                       ": invalid JSON: duplicate key \"StringEqualsIgnoreCase\" in "
                       "Statement[0].Condition (readers disagree on which one counts)\n");
}

// 4. PCR00 is not PCR0: an absent key, so the Allow never matches; named on stderr and in the
// report.
TEST(PolicyVerdicts, Pcr00IsAnotherKey) {
  const std::string policy = reproducer("pcr00-key.json");
  RunResult r = check_with_document(policy);
  EXPECT_EQ(r.status, 1);
  const std::string note =
      "AWS KMS sets kms:RecipientAttestation:PCR0 to kms:RecipientAttestation:PCR31 and "
      "kms:RecipientAttestation:ImageSha384, PCR numbers in plain decimal";
  EXPECT_EQ(r.err, "eifkit: warning: " + policy +
                       ": statement 0: kms:RecipientAttestation:PCR00 is not a key the service "
                       "sets (" +
                       note + "): it is evaluated as absent\n");
  json report = json::parse(r.out);
  EXPECT_EQ(report["Decision"], "no-matching-allow");
  EXPECT_EQ(
      report["UnknownKeys"],
      json::array({{{"Index", 0}, {"Key", "kms:RecipientAttestation:PCR00"}, {"Note", note}}}));
}

// 10. A statement with both Action and NotAction is refused, as AWS refuses it.
TEST(PolicyVerdicts, ActionAndNotActionTogetherAreRefused) {
  ScratchDir dir;
  json policy = test::read_json(reproducer("pcr00-key.json"));
  policy["Statement"][0]["NotAction"] = "kms:Encrypt";
  write_policy(dir / "policy.json", policy);
  RunResult r = check_with_document(dir / "policy.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir / "policy.json") +
                       ": Statement[0]: has both Action and NotAction; AWS rejects such a "
                       "statement\n");
}

// An allow that rests on a condition about the caller says so on stderr; --strict refuses it.
TEST(PolicyVerdicts, AnAllowRestingOnCallerConditionsSaysSo) {
  ScratchDir dir;
  json policy = test::read_json(reproducer("pcr00-key.json"));
  json& condition = policy["Statement"][0]["Condition"];
  condition["StringEqualsIgnoreCase"] = {
      {"kms:RecipientAttestation:PCR0",
       condition["StringEqualsIgnoreCase"]["kms:RecipientAttestation:PCR00"]}};
  condition["ArnLike"] = {{"aws:PrincipalArn", "arn:aws:iam::111122223333:role/*"}};
  write_policy(dir / "policy.json", policy);
  RunResult r = check_with_document(dir / "policy.json");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["Decision"], "allow");
  EXPECT_EQ(r.err, "eifkit: note: " + (dir / "policy.json") +
                       ": allowed only if the caller meets what eifkit does not evaluate "
                       "(--strict refuses): statement 0: ArnLike on aws:PrincipalArn\n");
  RunResult strict = check_with_document(
      dir / "policy.json", {"--strict", "--principal", "arn:aws:iam::111122223333:role/enclave"});
  EXPECT_EQ(strict.status, 2);
  EXPECT_EQ(strict.err, "eifkit: " + (dir / "policy.json") +
                            ": --strict: eifkit cannot evaluate statement 0: ArnLike on "
                            "aws:PrincipalArn\n");
}

}  // namespace
}  // namespace eifkit
