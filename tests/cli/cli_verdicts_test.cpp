// The reproducers of shared/vectors/verdicts/ that eifkit answered wrongly (issue "Verdicts a
// security administrator can bet on"), each with the answer it must give now, numbered as in
// the issue: 3, 5, 6 and 8 to 10e (the policy reproducers are in
// cli_policy_verdicts_test.cpp). Where an item needs a document signed with a key of the
// test's own (10d, 10e), it is forged with a test PKI (tests/support/attestation_forge.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "formats/attestation_document.h"
#include "formats/cose_sign1.h"
#include "lib/hash/sha384.h"
#include "lib/signing/private_key.h"
#include "tests/support/attestation_forge.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using json = nlohmann::json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;

std::string verdict(const std::string& name) {
  return vector_path("verdicts/attestation/" + name);
}

RunResult verify(const std::string& doc, const std::string& root, std::vector<std::string> extra) {
  std::vector<std::string> args = {"attestation", "verify", doc,  "--root",
                                   verdict(root), "--at",   "doc"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_eifkit(args);
}

void expect_usage_error(const RunResult& r, const std::string& message) {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
}

// Unusable: only Decode in the report, the reason on stderr naming the file, exit status 2.
void expect_unusable(const RunResult& r, const std::string& doc, const std::string& message) {
  EXPECT_EQ(r.status, 2);
  json j = json::parse(r.out);
  EXPECT_EQ(j["Checks"], json({{"Decode", false}}));
  EXPECT_EQ(j["Problems"], json({{"Decode", message}}));
  EXPECT_EQ(r.err, "eifkit: " + doc + ": " + message + "\n");
}

// A forged document whose digest field says `digest` (six characters, like "SHA384"), signed
// again with the PKI's leaf key: it differs from a genuine one in that field only.
std::vector<uint8_t> with_digest(const test::TestPki& pki, const std::string& digest) {
  std::vector<uint8_t> doc = test::forge_attestation(test::ForgedDocument{}, pki);
  const std::string field = "fdigestfSHA384";  // 0x66 ('f'): a text string of 6 bytes
  auto at = std::search(doc.begin(), doc.end(), field.begin(), field.end());
  if (at == doc.end() || digest.size() != 6) {
    ADD_FAILURE() << "no digest field, or not six characters: " << digest;
    return doc;
  }
  std::copy(digest.begin(), digest.end(), at + 8);
  std::string problem;
  std::optional<AttestationEnvelope> e = decode_attestation_envelope(doc, problem);
  if (!e) {
    ADD_FAILURE() << problem;
    return doc;
  }
  std::vector<uint8_t> signature =
      PrivateKey::from_pem_file(pki.leaf_key)
          .sign_digest(sha384(cose_sig_structure(e->protected_header, e->payload)));
  std::copy(signature.begin(), signature.end(), doc.end() - 96);  // the last item
  return doc;
}

// 3. An empty expectation is a usage error, not a check skipped.
TEST(Verdicts, AnEmptyExpectationIsAUsageError) {
  const std::string doc = verdict("nonce-doc.cbor");
  RunResult right = verify(doc, "test-root-c.pem", {"--nonce", "0102030405"});
  EXPECT_EQ(right.status, 0) << right.out << right.err;
  for (const char* flag : {"--nonce", "--user-data", "--public-key"}) {
    expect_usage_error(verify(doc, "test-root-c.pem", {flag, ""}),
                       std::string(flag) +
                           ": the expected value is empty, which would check nothing (an unset "
                           "variable?): give it, or leave " +
                           flag + " out");
  }
}

// 5. Two expectations for one PCR are refused, whatever their order.
TEST(Verdicts, OnePcrGivenTwiceIsRefused) {
  const std::string doc = verdict("pcr-order-doc.cbor");
  const std::string a(96, 'a'), b(96, 'b');
  for (const auto& [first, second] : {std::pair{a, b}, std::pair{b, a}}) {
    expect_usage_error(
        verify(doc, "test-root-c.pem", {"--pcr", "1=" + first, "--pcr", "1=" + second}),
        "--pcr: PCR1 is given twice (" + first.substr(0, 16) + "... and " + second.substr(0, 16) +
            "...): give each PCR once");
  }
}

// 6. A debug-mode document never passes a PCR check, not even against all zeros.
TEST(Verdicts, ADebugModeDocumentFailsAgainstAllZeros) {
  RunResult r =
      run_eifkit({"attestation", "verify", vector_path("attestation/hf-nitrite-debug-2021.cbor"),
                  "--at", "doc", "--record", verdict("zero-record.json")});
  EXPECT_EQ(r.status, 1) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["Verified"], false);
  EXPECT_EQ(j["Problems"]["PCRs"],
            "the document comes from a debug-mode enclave (PCR0, PCR1 and PCR2 all zero): debug "
            "mode measures nothing, so no image's PCRs can match (" +
                verdict("zero-record.json") + ")");
}

// 8. --at refuses dates that do not exist instead of moving them.
TEST(Verdicts, ImpossibleCheckTimesAreRefused) {
  const std::string doc = verdict("nonce-doc.cbor");
  for (const char* at : {"2030-02-30T00:00:00Z", "2030-04-31T00:00:00Z", "2029-02-29T00:00:00Z",
                         "2030-01-01T23:59:60Z"}) {
    RunResult r = run_eifkit(
        {"attestation", "verify", doc, "--root", verdict("test-root-c.pem"), "--at", at});
    expect_usage_error(r, "--at: '" + std::string(at) +
                              "' is not now, doc or an RFC 3339 time (YYYY-MM-DDTHH:MM:SS"
                              "[.fraction] then Z or +HH:MM, a date that exists, seconds 00 to "
                              "59)");
  }
  // A leap day that exists is a time like any other.
  RunResult leap = run_eifkit({"attestation", "verify", doc, "--root", verdict("test-root-c.pem"),
                               "--at", "2028-02-29T12:00:00Z"});
  EXPECT_NE(leap.status, 2) << leap.err;
}

// 9. A critical header eifkit does not understand makes the document unusable (RFC 9052 §3.1).
TEST(Verdicts, AnUnknownCriticalHeaderIsRefused) {
  const std::string doc = verdict("crit-unknown.cbor");
  expect_unusable(verify(doc, "test-root-a.pem", {}), doc,
                  "the protected header marks label 99 critical (crit), which eifkit does not "
                  "understand; RFC 9052 requires rejecting the document");
}

// 10a. A label given twice in the protected header is named, not "not a CBOR map".
TEST(Verdicts, ADuplicateProtectedHeaderLabelIsNamed) {
  const std::string doc = verdict("duplicate-alg.cbor");
  expect_unusable(verify(doc, "test-root-a.pem", {}), doc,
                  "the protected header is not valid CBOR: a duplicate map key 1 at byte 4");
}

// 10b. A COSE_Sign is named as one; self-described CBOR (tag 55799) in front changes nothing.
TEST(Verdicts, ACoseSignIsNamedAndSelfDescribedCborIsSkipped) {
  const std::string doc = verdict("cose-sign-tag98.cbor");
  expect_unusable(verify(doc, "test-root-a.pem", {}), doc,
                  "a COSE_Sign (tag 98, for several signers), not a COSE_Sign1 (tag 18): an "
                  "attestation document has exactly one signer");

  ScratchDir dir;
  for (const std::string name : {"hf-nitrite-debug-2021", "hf-nitrite-debug-2021.var-tagged"}) {
    const std::string original = vector_path("attestation/" + name + ".cbor");
    std::vector<uint8_t> bytes = {0xd9, 0xd9, 0xf7};
    std::vector<uint8_t> rest = test::read_bytes(original);
    bytes.insert(bytes.end(), rest.begin(), rest.end());
    test::write_bytes(dir / (name + ".cbor"), bytes);
    RunResult plain = run_eifkit({"attestation", "verify", original, "--at", "doc"});
    RunResult self = run_eifkit({"attestation", "verify", dir / (name + ".cbor"), "--at", "doc"});
    EXPECT_EQ(plain.status, 0) << plain.err;
    EXPECT_EQ(self.status, 0) << self.err;
    EXPECT_EQ(self.err, "");
    json a = json::parse(plain.out), b = json::parse(self.out);
    for (json* j : {&a, &b}) {
      j->erase("Document");
      (*j)["Attestation"].erase("Document");
    }
    EXPECT_EQ(a, b) << name;
  }
}

// 10c. A check time past 9999 is Validity's problem, said plainly; the links are still checked.
TEST(Verdicts, ACheckTimePastTheYear9999IsNamed) {
  RunResult r = verify(verdict("timestamp-year-10000.cbor"), "test-root-c.pem", {});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err, "");
  json j = json::parse(r.out);
  EXPECT_EQ(j["Checks"], json({{"Decode", true},
                               {"Signature", true},
                               {"Chain", true},
                               {"Validity", false},
                               {"Root", true}}));
  EXPECT_EQ(j["Failed"], json({"Validity"}));
  EXPECT_EQ(j["Problems"],
            json({{"Validity",
                   "the check time 10000-01-01T00:00:00Z (the document's timestamp) is past the "
                   "year 9999, which no X.509 certificate can be valid at"}}));
}

// 10d. A digest other than SHA384 makes the document unusable: its PCRs are not SHA-384's.
TEST(Verdicts, ADigestOtherThanSha384IsRefused) {
  ScratchDir dir;
  test::TestPki pki = test::make_test_pki(dir.path());
  test::write_bytes(dir / "sha384.cbor", with_digest(pki, "SHA384"));
  test::write_bytes(dir / "sha256.cbor", with_digest(pki, "SHA256"));
  RunResult genuine =
      run_eifkit({"attestation", "verify", dir / "sha384.cbor", "--root", pki.root_pem});
  EXPECT_EQ(genuine.status, 0) << genuine.out << genuine.err;
  RunResult other =
      run_eifkit({"attestation", "verify", dir / "sha256.cbor", "--root", pki.root_pem});
  expect_unusable(other, dir / "sha256.cbor",
                  "digest is \"SHA256\"; Nitro and QingTian documents are SHA384, so its PCRs "
                  "cannot be compared");
}

// 10e. A document timestamped after the check time still verifies, with a warning.
TEST(Verdicts, ADocumentFromAfterTheCheckTimeVerifiesWithAWarning) {
  ScratchDir dir;
  test::TestPki pki = test::make_test_pki(dir.path(), "eifkit test root", 36500);
  test::ForgedDocument forged;
  forged.timestamp_ms = 4083998400500;  // 2099-06-01T12:00:00.500Z
  const std::string doc = dir / "later.cbor";
  test::write_bytes(doc, test::forge_attestation(forged, pki));
  auto verify_at = [&](const std::string& at) {
    return run_eifkit({"attestation", "verify", doc, "--root", pki.root_pem, "--at", at});
  };

  const std::string warning =
      "the document's timestamp 2099-06-01T12:00:00.500Z is after the check time "
      "2099-06-01T00:00:00Z (--at): it claims to be made later than it is checked, so its "
      "timestamp or the check time is wrong";
  RunResult earlier = verify_at("2099-06-01T00:00:00Z");
  EXPECT_EQ(earlier.status, 0) << earlier.out;
  json j = json::parse(earlier.out);
  EXPECT_EQ(j["Verified"], true);
  EXPECT_EQ(j["Warnings"], json({warning}));
  EXPECT_EQ(earlier.err, "eifkit: warning: " + doc + ": " + warning + "\n");

  // The clock, read now, is before 2099 too.
  RunResult now = verify_at("now");
  EXPECT_EQ(now.status, 0) << now.out;
  ASSERT_EQ(json::parse(now.out)["Warnings"].size(), 1u);
  EXPECT_THAT(json::parse(now.out)["Warnings"][0].get<std::string>(),
              testing::AllOf(testing::StartsWith("the document's timestamp "
                                                 "2099-06-01T12:00:00.500Z is after the check "
                                                 "time "),
                             testing::HasSubstr("Z (now, by this machine's clock): ")));

  // Within the same second, or at the document's own time, nothing is said.
  for (const char* at : {"2099-06-01T12:00:00Z", "doc"}) {
    RunResult same = verify_at(at);
    EXPECT_EQ(same.status, 0) << same.out;
    EXPECT_FALSE(json::parse(same.out).contains("Warnings")) << at;
    EXPECT_EQ(same.err, "") << at;
  }
}

}  // namespace
}  // namespace eifkit
