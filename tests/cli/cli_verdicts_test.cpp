// The reproducers of shared/vectors/verdicts/ that eifkit answered wrongly (issue "Verdicts a
// security administrator can bet on"), each with the answer it must give now. The items not
// yet fixed are not here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using json = nlohmann::json;
using test::run_eifkit;
using test::RunResult;
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

}  // namespace
}  // namespace eifkit
