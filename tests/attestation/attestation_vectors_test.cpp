// Every attestation vector verifies (or fails, on the named check) as the independent checker
// found, at the document's own time and with the root it used, and `show` reports every
// certificate and field it recorded: ../shared/vectors/attestation/NAME.expected.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/base64.h"
#include "formats/hex.h"
#include "lib/attestation/attestation_verify.h"
#include "lib/attestation/aws_nitro_root.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/signing/certificate.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string base_of(const std::string& name) {
  return test::vector_path("attestation/" + name);
}

AttestationVerdict verify_at(const std::string& name, CheckTime at) {
  json expected = test::read_json(base_of(name) + ".expected.json");
  AttestationVerifyOptions o;
  std::string root = expected["checked_with_root"];
  if (root != "aws-nitro-root-g1.pem") o.root_path = test::vector_path("attestation/" + root);
  o.at = at;
  return verify_attestation(read_attestation_input(base_of(name) + ".cbor"), o);
}

// The checker's names for eifkit's checks.
const std::vector<std::pair<const char*, const char*>> kCheckNames = {
    {"Decode", "decode"},
    {"Signature", "signature"},
    {"Chain", "chain"},
    {"Validity", "certs_valid_at_time"},
    {"Root", "root_is_given_root"}};

json bytes_field(const json& checker) {
  if (!checker["present"].get<bool>() || checker["null"].get<bool>()) return nullptr;
  return checker["hex"];
}

class AttestationVectorVerify : public testing::TestWithParam<std::string> {};

TEST_P(AttestationVectorVerify, GivesTheCheckersVerdictAtTheDocumentsTime) {
  json expected = test::read_json(base_of(GetParam()) + ".expected.json");
  AttestationVerdict v = verify_at(GetParam(), {CheckTime::Kind::kDocument, 0});
  const json& checks = expected["checks"];
  if (!checks["decode"].get<bool>()) {
    EXPECT_EQ(v.status, AttestationVerdict::Status::kUnusable);
    EXPECT_EQ(v.report["Checks"], json({{"Decode", false}}));
    EXPECT_FALSE(v.problem.empty());
    return;
  }
  for (const auto& [ours, theirs] : kCheckNames) {
    EXPECT_EQ(v.report["Checks"][ours], checks[theirs]) << ours << ": " << v.report.dump();
  }
  EXPECT_EQ(v.status == AttestationVerdict::Status::kVerified, expected["exit_status"] == 0);
  EXPECT_EQ(v.report["Platform"],
            GetParam().find("qingtian") != std::string::npos ? "qingtian" : "nitro");
  for (const std::string failed : v.report["Failed"]) {
    EXPECT_FALSE(v.report["Problems"][failed].get<std::string>().empty()) << failed;
  }
  // Checked at its own time, a document is never from after the check time.
  EXPECT_FALSE(v.report.contains("Warnings")) << v.report["Warnings"];
  EXPECT_TRUE(v.warnings.empty());
}

// The vectors the checker decoded, for which it recorded fields and certificates; the others
// (*.bad-truncated) are AttestationVectorVerify's, unusable at Decode.
std::vector<std::string> decoded_vector_names() {
  std::vector<std::string> names;
  for (const std::string& name : test::attestation_vector_names()) {
    json expected = test::read_json(base_of(name) + ".expected.json");
    if (expected["checks"]["decode"].get<bool>()) names.push_back(name);
  }
  return names;
}

class AttestationDecodedVector : public testing::TestWithParam<std::string> {};

TEST_P(AttestationDecodedVector, ShowsEveryFieldAndCertificateTheCheckerRecorded) {
  json expected = test::read_json(base_of(GetParam()) + ".expected.json");
  AttestationVerdict v = verify_at(GetParam(), {CheckTime::Kind::kDocument, 0});
  const json& shown = v.report["Attestation"];
  EXPECT_EQ(shown["ModuleId"], expected["module_id"]);
  EXPECT_EQ(shown["Digest"], expected["digest"]);
  EXPECT_EQ(shown["Timestamp"], expected["timestamp_ms"]);
  EXPECT_EQ(shown["TimestampText"], expected["timestamp_iso"]);
  EXPECT_EQ(shown["PCRs"], expected["pcrs"]);
  EXPECT_EQ(shown["AllZeroPCRs"], expected["pcrs_all_zero"]);
  EXPECT_EQ(shown["DebugMode"], expected["debug"]);
  EXPECT_EQ(shown["PublicKey"], bytes_field(expected["public_key"]));
  EXPECT_EQ(shown["UserData"], bytes_field(expected["user_data"]));
  EXPECT_EQ(shown["Nonce"], bytes_field(expected["nonce"]));
  EXPECT_EQ(shown["Algorithm"], expected["alg"]);
  EXPECT_EQ(shown["Cbor"]["Tagged"], expected["cose_tagged"]);
  EXPECT_EQ(shown["Cbor"]["ProtectedHeader"], expected["protected_header_hex"]);
  EXPECT_EQ(shown["Cbor"]["IndefiniteLengthPayload"], expected["payload_map_indefinite_length"]);
  EXPECT_EQ(shown["Cbor"]["NonMinimalHeads"],
            expected["payload_encoding"]["non_minimal_heads"].get<int>() +
                expected["envelope_encoding"]["non_minimal_heads"].get<int>());

  json certs = shown["CaBundle"];
  certs.push_back(shown["Certificate"]);
  ASSERT_EQ(certs.size(), expected["certs"].size());
  for (size_t i = 0; i < certs.size(); ++i) {
    const json& ours = certs[i];
    const json& theirs = expected["certs"][i];
    SCOPED_TRACE(theirs["role"].get<std::string>());
    EXPECT_EQ(ours["Role"], theirs["role"]);
    EXPECT_EQ(ours["Subject"], theirs["subject"]);
    EXPECT_EQ(ours["Issuer"], theirs["issuer"]);
    EXPECT_EQ(ours["Serial"], theirs["serial"]);
    EXPECT_EQ(ours["NotBefore"], theirs["not_before"]);
    EXPECT_EQ(ours["NotAfter"], theirs["not_after"]);
    EXPECT_EQ(ours["DerLength"], theirs["der_len"]);
    EXPECT_EQ(ours["Sha256Fingerprint"], theirs["sha256"]);
    EXPECT_EQ(ours["ValidAt"], theirs["valid_at_time"]);
  }
}

TEST_P(AttestationDecodedVector, FailsOnCertificateValidityWhenCheckedNow) {
  json expected = test::read_json(base_of(GetParam()) + ".expected.json");
  std::time_t now = std::time(nullptr);
  AttestationVerdict v = verify_at(GetParam(), {CheckTime::Kind::kNow, now});
  // The emulator's certificates run to 2054; every real document's leaf lives hours.
  bool some_expired = false;
  for (const json& c : expected["certs"]) {
    some_expired = some_expired || *parse_rfc3339(c["not_after"]) < now;
  }
  if (!some_expired) {
    EXPECT_EQ(v.report["Checks"]["Validity"], true);
    EXPECT_NE(GetParam().find("mock"), std::string::npos) << "only the emulator's are unexpired";
    return;
  }
  EXPECT_EQ(v.status, AttestationVerdict::Status::kFailed);
  EXPECT_EQ(v.report["Checks"]["Validity"], false);
  EXPECT_NE(v.report["Problems"]["Validity"].get<std::string>().find(" expired on "),
            std::string::npos)
      << v.report["Problems"];
  // Time aside, the links still hold where they did.
  EXPECT_EQ(v.report["Checks"]["Chain"], expected["checks"]["chain"]);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  std::replace_if(
      n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Vectors, AttestationVectorVerify,
                         testing::ValuesIn(test::attestation_vector_names()), test_name);
INSTANTIATE_TEST_SUITE_P(Vectors, AttestationDecodedVector,
                         testing::ValuesIn(decoded_vector_names()), test_name);

TEST(AttestationInput, Base64AndHexOfADocumentVerifyAsTheRawBytesDo) {
  test::ScratchDir dir;
  std::vector<uint8_t> raw = test::read_bytes(base_of("hf-nitrite-debug-2021") + ".cbor");
  std::string b64 = base64_encode({reinterpret_cast<const char*>(raw.data()), raw.size()});
  std::string wrapped;  // 76 columns, as base64(1) writes it
  for (size_t i = 0; i < b64.size(); i += 76) wrapped += b64.substr(i, 76) + "\n";
  std::string hex = to_hex(raw);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  test::write_bytes(dir / "doc.b64", {wrapped.begin(), wrapped.end()});
  test::write_bytes(dir / "doc.hex", {hex.begin(), hex.end()});
  for (const auto& [file, encoding] : std::vector<std::pair<std::string, std::string>>{
           {"doc.b64", "base64"}, {"doc.hex", "hex"}}) {
    AttestationInput in = read_attestation_input(dir / file);
    EXPECT_EQ(in.encoding, encoding);
    EXPECT_EQ(in.bytes, raw);
  }
}

TEST(AttestationInput, RefusesWhatIsNoDocumentNamingTheFile) {
  test::ScratchDir dir;
  std::string text = "this is not an attestation document\n";
  test::write_bytes(dir / "notes.txt", {text.begin(), text.end()});
  try {
    read_attestation_input(dir / "notes.txt");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir / "notes.txt" +
                                         ": is not an attestation document: neither CBOR (a "
                                         "COSE_Sign1) nor base64 or hex of one");
  }
}

// Every leading array or tag byte (0x80 to 0x9f, 0xc0 to 0xdf) is CBOR, never text, so that
// the decoder says what the bytes are: a COSE_Sign (tag 98), self-described CBOR (55799).
TEST(AttestationInput, AnyLeadingArrayOrTagIsTakenAsCbor) {
  test::ScratchDir dir;
  for (const std::vector<uint8_t>& bytes : std::vector<std::vector<uint8_t>>{
           {0x80}, {0x9f, 0xff}, {0xd8, 0x62, 0x80}, {0xd9, 0xd9, 0xf7, 0x80}}) {
    test::write_bytes(dir / "doc.cbor", bytes);
    AttestationInput in = read_attestation_input(dir / "doc.cbor");
    EXPECT_EQ(in.encoding, "cbor");
    EXPECT_EQ(in.bytes, bytes);
  }
  // A map is no COSE structure's start.
  test::write_bytes(dir / "map.cbor", {0xa0});
  try {
    read_attestation_input(dir / "map.cbor");
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), dir / "map.cbor" +
                                         ": is not an attestation document: neither CBOR (a "
                                         "COSE_Sign1) nor base64 or hex of one");
  }
}

TEST(AwsNitroRoot, IsTheRootAwsPublishes) {
  std::string_view pem = aws_nitro_root_pem();
  Certificate root = Certificate::from_pem({pem.begin(), pem.end()}, "bundled");
  EXPECT_EQ(root.sha256_fingerprint(), kAwsNitroRootSha256);
  EXPECT_EQ(root.subject(), "CN=aws.nitro-enclaves,OU=AWS,O=Amazon,C=US");
  EXPECT_EQ(root.der(),
            certificate_der_from_pem_file(test::vector_path("attestation/aws-nitro-root-g1.pem")));
}

}  // namespace
}  // namespace eifkit
