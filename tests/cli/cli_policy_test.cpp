// `eifkit policy aws|huawei|check` and `eifkit provenance` end to end: what they print, exit
// statuses (check: 0 allowed, 1 denied; 2 unusable input), one-line errors, and provenance's
// atomic output.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lib/policy/build_record.h"
#include "lib/provenance/intoto_statement.h"
#include "lib/policy/policy_aws.h"
#include "lib/policy/policy_huawei.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

std::string eif_path(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}

std::string printed(const json& j) {
  return j.dump(2) + "\n";
}

void write_json(const std::string& path, const json& j) {
  std::string text = j.dump(2);
  write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// The record of a vector, written as build --measurements-out writes it.
std::string write_record(const ScratchDir& dir, const std::string& name) {
  std::string path = dir / (name + ".json");
  write_json(path, build_record_from_eif(eif_path(name)));
  return path;
}

void expect_one_line_error(const RunResult& r, const std::string& message = "") {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("eifkit: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  if (!message.empty()) {
    EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  }
}

// ---- policy aws / huawei ----------------------------------------------------------------------

TEST(CliPolicyAws, PrintsTheStatementOfAnEif) {
  RunResult r = run_eifkit({"policy", "aws", eif_path("signed")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, printed(aws_policy_statements(
                       {{"signed.eif", build_record_from_eif(eif_path("signed"))}}, {})));
}

TEST(CliPolicyAws, RecordsMergeIntoADocumentWithEveryFlag) {
  ScratchDir dir;
  std::string old_record = write_record(dir, "two-ramdisks");
  std::string new_record = write_record(dir, "three-ramdisks");
  RunResult r =
      run_eifkit({"policy", "aws", old_record, new_record, "--pcrs", "2,0", "--image-sha384",
                  "--principal", "arn:aws:iam::111122223333:role/app", "--actions",
                  "kms:Decrypt,kms:GenerateDataKey", "--sid", "Enclave", "--document"});
  ASSERT_EQ(r.status, 0) << r.err;
  AwsPolicyOptions o;
  o.pcrs = std::vector<int>{0, 2};
  o.image_sha384 = true;
  o.principals = {"arn:aws:iam::111122223333:role/app"};
  o.actions = {"kms:Decrypt", "kms:GenerateDataKey"};
  o.sid = "Enclave";
  EXPECT_EQ(r.out, printed(aws_policy_document(
                       {{old_record, build_record_from_eif(eif_path("two-ramdisks"))},
                        {new_record, build_record_from_eif(eif_path("three-ramdisks"))}},
                       o)));
  json doc = json::parse(r.out);
  EXPECT_EQ(doc["Statement"][0]["Condition"]["StringEqualsIgnoreCase"].size(), 3u);
}

TEST(CliPolicyAws, DenyPrintsOneStatementPerKey) {
  RunResult r =
      run_eifkit({"policy", "aws", eif_path("two-ramdisks"), "--effect", "deny", "--principal",
                  "arn:aws:iam::111122223333:role/a,arn:aws:iam::"
                  "111122223333:role/b"});
  ASSERT_EQ(r.status, 0) << r.err;
  json statements = json::parse(r.out);
  ASSERT_TRUE(statements.is_array());
  ASSERT_EQ(statements.size(), 3u);
  for (const json& s : statements) {
    EXPECT_EQ(s["Effect"], "Deny");
    EXPECT_EQ(s["Principal"]["AWS"].size(), 2u);
    EXPECT_EQ(s["Condition"]["StringNotEqualsIgnoreCase"].size(), 1u);
  }
}

TEST(CliPolicyHuawei, Version5AndVersion11) {
  ScratchDir dir;
  std::string record = write_record(dir, "signed");
  json expected = huawei_policy({{record, build_record_from_eif(eif_path("signed"))}}, {});
  RunResult v5 = run_eifkit({"policy", "huawei", record});
  ASSERT_EQ(v5.status, 0) << v5.err;
  EXPECT_EQ(v5.out, printed(expected));
  RunResult v11 =
      run_eifkit({"policy", "huawei", record, "--policy-version", "1.1", "--pcrs", "0"});
  ASSERT_EQ(v11.status, 0) << v11.err;
  json role = json::parse(v11.out);
  EXPECT_EQ(role["Version"], "1.1");
  EXPECT_EQ(role["Statement"][0]["Condition"]["StringEqualsIgnoreCase"].size(), 1u);
}

TEST(CliPolicyErrors, OneLineAndStatus2) {
  ScratchDir dir;
  expect_one_line_error(run_eifkit({"policy", "aws", eif_path("two-ramdisks"), "--pcrs", "0,8"}),
                        eif_path("two-ramdisks") + ": PCR8 requested, but the image is not signed");
  expect_one_line_error(
      run_eifkit({"policy", "huawei", eif_path("two-ramdisks"), "--pcrs", "0,32"}),
      "--pcrs: '32' is not a PCR number (0 to 31); expected a list like 0,1,2,8 "
      "or none");
  write_json(
      dir / "debug.json",
      {{"Measurements", {{"HashAlgorithm", "Sha384 { ... }"}, {"PCR0", std::string(96, '0')}}}});
  expect_one_line_error(
      run_eifkit({"policy", "aws", dir / "debug.json", "--pcrs", "0"}),
      dir / "debug.json" +
          ": PCR0 is all zeros, the value a debug-mode enclave reports: a policy must never "
          "contain it");
  expect_one_line_error(run_eifkit({"policy", "aws", eif_path("signed"), "--effect", "maybe"}));
  expect_one_line_error(
      run_eifkit({"policy", "huawei", eif_path("signed"), "--policy-version", "2.0"}));
  expect_one_line_error(run_eifkit({"policy", "aws"}));
  expect_one_line_error(run_eifkit({"policy"}));
  expect_one_line_error(run_eifkit({"policy", "aws", dir / "missing.json"}));
}

// ---- policy check -----------------------------------------------------------------------------

TEST(CliPolicyCheck, ExitZeroWhenAllowedOneWhenDenied) {
  ScratchDir dir;
  RunResult policy = run_eifkit({"policy", "aws", eif_path("two-ramdisks"), "--document",
                                 "--principal", "arn:aws:iam::111122223333:role/app"});
  ASSERT_EQ(policy.status, 0) << policy.err;
  write_bytes(dir / "policy.json", std::vector<uint8_t>(policy.out.begin(), policy.out.end()));

  RunResult allowed = run_eifkit(
      {"policy", "check", "--policy", dir / "policy.json", "--eif", eif_path("two-ramdisks")});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_EQ(allowed.err, "");
  EXPECT_EQ(json::parse(allowed.out)["Allowed"], true);
  EXPECT_EQ(json::parse(allowed.out)["Decision"], "allow");

  std::string record = write_record(dir, "three-ramdisks");
  RunResult denied = run_eifkit({"policy", "check", "--policy", dir / "policy.json", record,
                                 "--action", "kms:GenerateDataKey"});
  EXPECT_EQ(denied.status, 1) << denied.err;
  EXPECT_EQ(denied.err, "");
  json report = json::parse(denied.out);
  EXPECT_EQ(report["Allowed"], false);
  EXPECT_EQ(report["Action"], "kms:GenerateDataKey");
  EXPECT_EQ(report["Decision"], "no-matching-allow");
}

TEST(CliPolicyCheck, UnusableInputIsStatus2) {
  ScratchDir dir;
  write_bytes(dir / "broken.json", {'{'});
  expect_one_line_error(run_eifkit(
      {"policy", "check", "--policy", dir / "broken.json", "--eif", eif_path("two-ramdisks")}));
  write_json(dir / "policy.json",
             {{"Statement",
               {{{"Effect", "Allow"},
                 {"Action", "kms:Decrypt"},
                 {"Condition", {{"StringLike", {{"kms:RecipientAttestation:PCR0", "00f8*"}}}}}}}}});
  expect_one_line_error(
      run_eifkit({"policy", "check", "--policy", dir / "policy.json", eif_path("two-ramdisks")}),
      dir / "policy.json" +
          ": Statement[0]: operator StringLike on kms:RecipientAttestation:PCR0 is not supported "
          "(policy check evaluates StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, "
          "StringEquals and StringNotEquals)");
  expect_one_line_error(
      run_eifkit({"policy", "check", "--policy", dir / "policy.json"}),
      "policy check needs the image (--eif FILE or a build record), an attestation document "
      "(--attestation DOC) or --no-attestation");
  expect_one_line_error(run_eifkit({"policy", "check", "--policy", dir / "policy.json", "--eif",
                                    eif_path("signed"), eif_path("signed")}));
  expect_one_line_error(run_eifkit({"policy", "check", "--policy", dir / "policy.json", "--eif",
                                    vector_path("eif/inputs/kernel.bin")}),
                        vector_path("eif/inputs/kernel.bin") + ": not an EIF (bad magic)");
}

TEST(CliPolicyCheck, RolloutFlowFromTwoBuilds) {
  // Old and new build → merged policy → both allowed, anything else denied.
  ScratchDir dir;
  std::string old_record = write_record(dir, "two-ramdisks");
  std::string new_record = write_record(dir, "three-ramdisks");
  RunResult policy = run_eifkit({"policy", "aws", old_record, new_record, "--document",
                                 "--principal", "arn:aws:iam::111122223333:role/app"});
  ASSERT_EQ(policy.status, 0) << policy.err;
  write_bytes(dir / "policy.json", std::vector<uint8_t>(policy.out.begin(), policy.out.end()));
  for (const char* name : {"two-ramdisks", "three-ramdisks"}) {
    EXPECT_EQ(
        run_eifkit({"policy", "check", "--policy", dir / "policy.json", "--eif", eif_path(name)})
            .status,
        0)
        << name;
  }
  EXPECT_EQ(run_eifkit({"policy", "check", "--policy", dir / "policy.json", "--eif",
                        eif_path("one-ramdisk")})
                .status,
            1);
}

// ---- provenance --------------------------------------------------------------------------------

TEST(CliAttest, WritesTheStatementAtomically) {
  ScratchDir dir, out;
  std::string record = write_record(dir, "signed");
  RunResult r = run_eifkit({"provenance", record, "--output", out / "app.intoto.json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(out.entries(), std::vector<std::string>{"app.intoto.json"});
  std::vector<uint8_t> written = read_bytes(out / "app.intoto.json");
  json expected = intoto_statement(build_record_from_eif(eif_path("signed")), record);
  EXPECT_EQ(std::string(written.begin(), written.end()), printed(expected));
}

TEST(CliAttest, StdoutWithoutOutAndAnEifAsInput) {
  RunResult r = run_eifkit({"provenance", eif_path("two-ramdisks")});
  ASSERT_EQ(r.status, 0) << r.err;
  json statement = json::parse(r.out);
  EXPECT_EQ(statement["subject"][0]["name"], "two-ramdisks.eif");
  EXPECT_EQ(statement["predicateType"], kEnclaveMeasurementsPredicateType);
}

TEST(CliAttest, ARecordWithoutDigestsWritesNothing) {
  ScratchDir dir, out;
  write_json(
      dir / "nitro.json",
      {{"Measurements", json::parse(read_bytes(vector_path("eif/two-ramdisks.build.json")))}});
  RunResult r = run_eifkit({"provenance", dir / "nitro.json", "--output", out / "a.json"});
  expect_one_line_error(r, dir / "nitro.json" +
                               ": no Eif: an attestation names the EIF by its digests (a record "
                               "of an EIF has them)");
  EXPECT_EQ(out.entries(), std::vector<std::string>{});
}

}  // namespace
}  // namespace eifkit
