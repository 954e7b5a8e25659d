// Golden outputs of every emitter, built from the vectors' PCRs: AWS allow, AWS deny with a
// principal, a whole AWS document, Huawei 5.0 and 1.1 (including the QingTian workflow's
// example: three PCR0 values and one PCR8 value), QingTian's make-img output and the in-toto
// statement; merging; and each refusal with its exact message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/base/error.h"
#include "lib/eif/eif_reader.h"
#include "lib/policy/build_record.h"
#include "lib/provenance/intoto_statement.h"
#include "lib/policy/policy_aws.h"
#include "lib/policy/policy_huawei.h"
#include "lib/policy/policy_values.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::vector_path;

// The vectors' values.
const std::string kPcr0Two =
    "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18"
    "db";
const std::string kPcr0Three =
    "67b70198e872fa9f82ed27c48c23cc1bf13720f7c2960d289ed96fe427f321fbb0489fba4300a3a1c2f75adac5717d"
    "d4";
const std::string kPcr1 =
    "39d080b5616c237f71c6758aaf69153da99f817093c08d022008294563188cbc2f2ae6637dc240ec1ffb1b56aed9d2"
    "77";
const std::string kPcr2Two =
    "e7ce00e68e557da1b82a08b4b8e6bc993d47ed12813b944598249024f993605aadd6da944a15a618aea1ab51adbfc5"
    "07";
const std::string kPcr2Three =
    "bc6c41130ee816e1bbc6698bb2f03ab83d55f969d77ba7abeb1818377e4d4e40aca6bbb2a22b8034cc023d5b1573be"
    "12";
const std::string kPcr8 =
    "cadbe917b14cd5f1fc3c1696454e8fbd313d2a1e67f4256dc9c9714da7c2ba63b5f85b29f93660d4cf212f7437a9da"
    "61";
const std::string kZeros(96, '0');

PolicyRecord vector_record(const std::string& name) {
  std::string path = vector_path("eif/" + name + ".eif");
  return {name + ".eif", build_record_from_eif(path)};
}

std::string repeat(const std::string& s, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += s;
  return out;
}

// A hand-written record: HashAlgorithm Sha384, PCR0 as given, PCR1 and PCR2 fixed, PCR8 when
// given.
PolicyRecord fabricated(const std::string& source, const std::string& pcr0,
                        const std::string& pcr8 = "") {
  json m = {{"HashAlgorithm", "Sha384 { ... }"},
            {"PCR0", pcr0},
            {"PCR1", repeat("1b", 48)},
            {"PCR2", repeat("2c", 48)}};
  if (!pcr8.empty()) m["PCR8"] = pcr8;
  return {source, {{"RecordVersion", 1}, {"Measurements", m}}};
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

AwsPolicyOptions aws_pcrs(std::vector<int> pcrs) {
  AwsPolicyOptions o;
  o.pcrs = std::move(pcrs);
  return o;
}

HuaweiPolicyOptions huawei_pcrs(std::vector<int> pcrs) {
  HuaweiPolicyOptions o;
  o.pcrs = std::move(pcrs);
  return o;
}

const json kFiveActions = {"kms:Decrypt", "kms:DeriveSharedSecret", "kms:GenerateDataKey",
                           "kms:GenerateDataKeyPair", "kms:GenerateRandom"};

// ---- AWS ------------------------------------------------------------------------------------

TEST(AwsPolicy, AllowForASignedImagePinsPcr0To2And8) {
  json expected = {{"Effect", "Allow"},
                   {"Action", kFiveActions},
                   {"Resource", "*"},
                   {"Condition",
                    {{"StringEqualsIgnoreCase",
                      {{"kms:RecipientAttestation:PCR0", kPcr0Two},
                       {"kms:RecipientAttestation:PCR1", kPcr1},
                       {"kms:RecipientAttestation:PCR2", kPcr2Two},
                       {"kms:RecipientAttestation:PCR8", kPcr8}}}}}};
  EXPECT_EQ(aws_policy_statements({vector_record("signed")}, {}), expected);
}

TEST(AwsPolicy, AllowForAnUnsignedImageLeavesPcr8Out) {
  json s = aws_policy_statements({vector_record("two-ramdisks")}, {});
  EXPECT_EQ(s["Condition"]["StringEqualsIgnoreCase"],
            json({{"kms:RecipientAttestation:PCR0", kPcr0Two},
                  {"kms:RecipientAttestation:PCR1", kPcr1},
                  {"kms:RecipientAttestation:PCR2", kPcr2Two}}));
}

TEST(AwsPolicy, RolloutMergesIntoListsOneValueStaysAString) {
  // Old and new image: PCR1 (same boot stack) stays a string, PCR0 and PCR2 become lists in
  // the order the records were given.
  json s = aws_policy_statements({vector_record("three-ramdisks"), vector_record("two-ramdisks")},
                                 aws_pcrs({0, 1, 2}));
  EXPECT_EQ(s["Condition"], json({{"StringEqualsIgnoreCase",
                                   {{"kms:RecipientAttestation:PCR0", {kPcr0Three, kPcr0Two}},
                                    {"kms:RecipientAttestation:PCR1", kPcr1},
                                    {"kms:RecipientAttestation:PCR2", {kPcr2Three, kPcr2Two}}}}}));
}

TEST(AwsPolicy, MergeDeduplicatesAndLowercases) {
  std::string upper = kPcr0Three;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  json s = aws_policy_statements(
      {fabricated("a.json", kPcr0Two), fabricated("b.json", upper), fabricated("c.json", kPcr0Two)},
      aws_pcrs({0}));
  EXPECT_EQ(s["Condition"]["StringEqualsIgnoreCase"]["kms:RecipientAttestation:PCR0"],
            json({kPcr0Two, kPcr0Three}));
}

TEST(AwsPolicy, DenyWithPrincipalIsOneStatementPerKey) {
  AwsPolicyOptions o;
  o.pcrs = std::vector<int>{0, 1};
  o.effect = PolicyEffect::kDeny;
  o.principals = {"arn:aws:iam::111122223333:role/app"};
  o.sid = "DenyUnlessAttested";
  auto deny = [&](const std::string& sid, const std::string& key, const json& value) {
    return json{{"Sid", sid},
                {"Effect", "Deny"},
                {"Principal", {{"AWS", "arn:aws:iam::111122223333:role/app"}}},
                {"Action", kFiveActions},
                {"Resource", "*"},
                {"Condition", {{"StringNotEqualsIgnoreCase", {{key, value}}}}}};
  };
  json expected = json::array(
      {deny("DenyUnlessAttestedPCR0", "kms:RecipientAttestation:PCR0", {kPcr0Two, kPcr0Three}),
       deny("DenyUnlessAttestedPCR1", "kms:RecipientAttestation:PCR1", kPcr1)});
  EXPECT_EQ(
      aws_policy_statements({vector_record("two-ramdisks"), vector_record("three-ramdisks")}, o),
      expected);
}

TEST(AwsPolicy, DenyWithOneKeyKeepsTheSid) {
  AwsPolicyOptions o;
  o.pcrs = std::vector<int>{};
  o.image_sha384 = true;
  o.effect = PolicyEffect::kDeny;
  o.sid = "RequireEnclave";
  o.principals = {"arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/b"};
  json s = aws_policy_statements({vector_record("two-ramdisks")}, o);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["Sid"], "RequireEnclave");
  EXPECT_EQ(
      s[0]["Principal"],
      json({{"AWS", {"arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/b"}}}));
  EXPECT_EQ(
      s[0]["Condition"],
      json({{"StringNotEqualsIgnoreCase", {{"kms:RecipientAttestation:ImageSha384", kPcr0Two}}}}));
}

TEST(AwsPolicy, WholeDocument) {
  AwsPolicyOptions o;
  o.pcrs = std::vector<int>{0};
  o.image_sha384 = true;
  o.actions = {"kms:Decrypt"};
  o.sid = "EnclaveDecrypt";
  o.principals = {"arn:aws:iam::111122223333:role/app"};
  json expected = json::parse(R"({
    "Version": "2012-10-17",
    "Statement": [{
      "Sid": "EnclaveDecrypt",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
      "Action": "kms:Decrypt",
      "Resource": "*",
      "Condition": {"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": ")" +
                              kPcr0Two + R"(",
        "kms:RecipientAttestation:PCR0": ")" +
                              kPcr0Two + R"("
      }}
    }]
  })");
  EXPECT_EQ(aws_policy_document({vector_record("signed")}, o), expected);
}

TEST(AwsPolicy, DenyDocumentHoldsEveryStatement) {
  AwsPolicyOptions o;
  o.effect = PolicyEffect::kDeny;
  json doc = aws_policy_document({vector_record("signed")}, o);
  EXPECT_EQ(doc["Version"], "2012-10-17");
  ASSERT_EQ(doc["Statement"].size(), 4u);  // PCR0, PCR1, PCR2, PCR8
  EXPECT_EQ(doc["Statement"][3]["Condition"],
            json({{"StringNotEqualsIgnoreCase", {{"kms:RecipientAttestation:PCR8", kPcr8}}}}));
}

// ---- Huawei ---------------------------------------------------------------------------------

TEST(HuaweiPolicy, Version5ForASignedImage) {
  json expected = json::parse(R"({
    "Version": "5.0",
    "Statement": [
      {
        "Effect": "Allow",
        "Action": ["kms::generateRandom", "kms:cmk:createDataKey", "kms:cmk:decryptData",
                   "kms:cmk:decryptDataKey"],
        "Condition": {"StringEqualsIgnoreCase": {
          "kms:RecipientAttestation/PCR0": [")" +
                              kPcr0Two + R"("],
          "kms:RecipientAttestation/PCR8": [")" +
                              kPcr8 + R"("]
        }}
      },
      {"Effect": "Allow", "Action": ["kms:cmk:encryptData", "kms:cmk:encryptDataKey"]}
    ]
  })");
  EXPECT_EQ(huawei_policy({vector_record("signed")}, {}), expected);
}

TEST(HuaweiPolicy, Version11RoleFormForARollout) {
  json expected = json::parse(R"({
    "Version": "1.1",
    "Statement": [{
      "Effect": "Allow",
      "Action": ["kms:cmk:decrypt", "kms:dek:decrypt"],
      "Condition": {"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation/PCR0": [")" +
                              kPcr0Two + R"(", ")" + kPcr0Three + R"("]
      }}
    }]
  })");
  HuaweiPolicyOptions o;
  o.version = HuaweiPolicyVersion::kV1_1;
  EXPECT_EQ(huawei_policy({vector_record("two-ramdisks"), vector_record("three-ramdisks")}, o),
            expected);
}

TEST(HuaweiPolicy, QingTianWorkflowExampleThreeImagesOneSigner) {
  // Three builds signed by one certificate: one condition, three PCR0 values, one PCR8 value.
  const std::string v1 = repeat("a1", 48), v2 = repeat("b2", 48), v3 = repeat("c3", 48);
  std::vector<PolicyRecord> records = {fabricated("v1.json", v1, kPcr8),
                                       fabricated("v2.json", v2, kPcr8),
                                       fabricated("v3.json", v3, kPcr8)};
  json policy = huawei_policy(records, {});
  EXPECT_EQ(policy["Statement"][0]["Condition"],
            json({{"StringEqualsIgnoreCase",
                   {{"kms:RecipientAttestation/PCR0", {v1, v2, v3}},
                    {"kms:RecipientAttestation/PCR8", {kPcr8}}}}}));
  EXPECT_EQ(policy["Statement"].size(), 2u);
}

TEST(HuaweiPolicy, UnsignedImagesLeavePcr8OutByDefault) {
  json policy = huawei_policy({vector_record("two-ramdisks")}, {});
  EXPECT_EQ(policy["Statement"][0]["Condition"]["StringEqualsIgnoreCase"],
            json({{"kms:RecipientAttestation/PCR0", {kPcr0Two}}}));
}

TEST(HuaweiPolicy, MixedSignedAndUnsignedLeavePcr8Out) {
  json policy = huawei_policy({vector_record("signed"), vector_record("three-ramdisks")}, {});
  EXPECT_EQ(policy["Statement"][0]["Condition"]["StringEqualsIgnoreCase"],
            json({{"kms:RecipientAttestation/PCR0", {kPcr0Two, kPcr0Three}}}));
}

// ---- QingTian make-img output ---------------------------------------------------------------

Measurements measurements_of(const std::string& name) {
  EifImage image = open_eif(vector_path("eif/" + name + ".eif"));
  return scan_eif(image).measurements;
}

TEST(QingTianOutput, SignedImage) {
  EXPECT_EQ(qingtian_output(measurements_of("signed")).dump(2), R"({
  "PCR0": ")" + kPcr0Two + R"(",
  "PCR8": ")" + kPcr8 + R"(",
  "digest": "SHA384"
})");
}

TEST(QingTianOutput, UnsignedImagePrintsPcr8AsZeros) {
  EXPECT_EQ(qingtian_output(measurements_of("three-ramdisks")),
            json({{"digest", "SHA384"}, {"PCR0", kPcr0Three}, {"PCR8", kZeros}}));
}

// ---- in-toto --------------------------------------------------------------------------------

TEST(InToto, StatementOfTheSignedVector) {
  json record = vector_record("signed").record;
  json expected = json::parse(R"({
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{
      "name": "signed.eif",
      "digest": {
        "sha256": "09a807054c685f21675de147e6b60548659d8395b0ae56910dd75bd2a3730ba8",
        "sha384": "9e94cbf9bdaa809c63b46369035b9ba823912aae61fa76e949d0ad24dddc30337617b1eae3f08e06f35f649b5841da14"
      }
    }],
    "predicateType": "https://eifkit.dev/enclave-measurements/v1"
  })");
  expected["predicate"] = {{"measurements", record["Measurements"]}, {"buildRecord", record}};
  EXPECT_EQ(intoto_statement(record, "signed.eif"), expected);
  EXPECT_EQ(record["Measurements"]["PCR8"], kPcr8);
}

TEST(InToto, RefusesARecordWithoutEifDigests) {
  PolicyRecord r = fabricated("nitro.json", kPcr0Two);
  EXPECT_EQ(error_of([&] { intoto_statement(r.record, r.source); }),
            "nitro.json: no Eif: an attestation names the EIF by its digests (a record of an EIF "
            "has them)");
  r.record["Eif"] = {{"Path", "app.eif"}, {"Sha256", repeat("ab", 32)}};
  EXPECT_EQ(error_of([&] { intoto_statement(r.record, r.source); }),
            "nitro.json: no Eif.Sha384: an attestation names the EIF by its digests (a record of "
            "an EIF has them)");
  r.record["Eif"]["Sha384"] = "xyz";
  EXPECT_EQ(error_of([&] { intoto_statement(r.record, r.source); }),
            "nitro.json: Eif.Sha384 is not 96 lowercase hexadecimal digits");
}

// ---- Refusals -------------------------------------------------------------------------------

TEST(PolicyRefuses, AllZeroPcr) {
  PolicyRecord debug = fabricated("debug.json", kZeros);
  const std::string message =
      "debug.json: PCR0 is all zeros, the value a debug-mode enclave reports: a policy must "
      "never contain it";
  EXPECT_EQ(error_of([&] { aws_policy_statements({debug}, {}); }), message);
  EXPECT_EQ(error_of([&] { huawei_policy({vector_record("two-ramdisks"), debug}, {}); }), message);
}

TEST(PolicyRefuses, Pcr8OfAnUnsignedImage) {
  AwsPolicyOptions aws;
  aws.pcrs = std::vector<int>{0, 8};
  EXPECT_EQ(error_of([&] {
              aws_policy_statements({vector_record("signed"), vector_record("two-ramdisks")}, aws);
            }),
            "two-ramdisks.eif: PCR8 requested, but the image is not signed");
  HuaweiPolicyOptions huawei;
  huawei.pcrs = std::vector<int>{0, 8};
  // A PCR8 of zeros is QingTian's way of saying unsigned.
  EXPECT_EQ(error_of([&] { huawei_policy({fabricated("qt.json", kPcr0Two, kZeros)}, huawei); }),
            "qt.json: PCR8 requested, but the image is not signed");
}

TEST(PolicyRefuses, MalformedHex) {
  EXPECT_EQ(
      error_of([&] { aws_policy_statements({fabricated("bad.json", repeat("zz", 48))}, {}); }),
      "bad.json: Measurements.PCR0 is not 96 hexadecimal digits (a Sha384 PCR)");
  EXPECT_EQ(error_of([&] { huawei_policy({fabricated("short.json", "00f8ba2e")}, {}); }),
            "short.json: Measurements.PCR0 is not 96 hexadecimal digits (a Sha384 PCR)");
}

TEST(PolicyRefuses, RecordsDisagreeingOnTheHashAlgorithm) {
  PolicyRecord sha256 = {
      "b.json",
      {{"Measurements", {{"HashAlgorithm", "Sha256 { ... }"}, {"PCR0", repeat("ab", 32)}}}}};
  EXPECT_EQ(error_of([&] {
              aws_policy_statements({fabricated("a.json", kPcr0Two), sha256}, aws_pcrs({0}));
            }),
            "b.json: PCRs are Sha256 but a.json's are Sha384: records merged into one policy "
            "must agree on the hash algorithm");
  EXPECT_EQ(error_of([&] { huawei_policy({sha256}, {}); }),
            "b.json: PCRs are Sha256; AWS KMS and Huawei KMS compare SHA-384 PCRs");
}

TEST(PolicyRefuses, PcrTheRecordDoesNotHold) {
  EXPECT_EQ(error_of([&] {
              aws_policy_statements({fabricated("a.json", kPcr0Two)}, aws_pcrs({0, 3}));
            }),
            "a.json: PCR3 requested, but the record has no PCR3");
}

TEST(PolicyRefuses, NoConditionKey) {
  EXPECT_EQ(
      error_of([&] { aws_policy_statements({fabricated("a.json", kPcr0Two)}, aws_pcrs({})); }),
      "no condition key: a policy without one would admit any image (give --pcrs or "
      "--image-sha384)");
  EXPECT_EQ(error_of([&] { huawei_policy({fabricated("a.json", kPcr0Two)}, huawei_pcrs({})); }),
            "no condition key: a policy without one would admit any image (give --pcrs)");
}

TEST(PolicyRefuses, NoRecord) {
  EXPECT_EQ(error_of([&] { aws_policy_statements({}, aws_pcrs({0})); }), "no build record given");
}

}  // namespace
}  // namespace eifkit
