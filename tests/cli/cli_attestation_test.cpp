// `eifkit attestation show|verify` and `policy check --attestation` end to end, with documents
// made here (tests/support/attestation_forge.h): the build -> policy -> attestation round trip,
// every check's failure and its exit status (0 verified, 1 a check failed, 2 unusable), the
// QingTian signature encoding, and one-line errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "formats/base64.h"
#include "formats/hex.h"
#include "tests/support/attestation_forge.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::ForgedDocument;
using test::pcr_of;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

std::vector<uint8_t> hex_bytes(const std::string& hex) {
  return *from_hex(hex);
}

void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, {text.begin(), text.end()});
}

void expect_one_line_error(const RunResult& r, const std::string& message) {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
}

// One PKI, one image and its policy for the whole suite: openssl and a build take a moment.
class CliAttestation : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    pki_ = new test::TestPki(test::make_test_pki(dir_->path()));
    test::write_layer_tar(
        *dir_ / "rootfs.tar",
        {test::TarSpec::dir("bin"), test::TarSpec::file("bin/app", "#!/bin/sh\necho hi\n", 0755)});
    RunResult b = run_eifkit({"build",
                              "--rootfs-tar",
                              *dir_ / "rootfs.tar",
                              "--cmd",
                              "/bin/app",
                              "--arch",
                              "x86_64",
                              "--kernel",
                              vector_path("eif/inputs/kernel.bin"),
                              "--cmdline-file",
                              vector_path("eif/inputs/cmdline.txt"),
                              "--init",
                              vector_path("ramdisk/init.bin"),
                              "--nsm",
                              vector_path("ramdisk/nsm.ko.bin"),
                              "--build-time",
                              "2024-01-01T00:00:00+00:00",
                              "--output",
                              *dir_ / "app.eif",
                              "--measurements-out",
                              *dir_ / "build.json"});
    ASSERT_EQ(b.status, 0) << b.err;
    record_ = new json(test::read_json(*dir_ / "build.json"));
    RunResult p = run_eifkit({"policy", "aws", *dir_ / "build.json", "--document", "--principal",
                              "arn:aws:iam::111122223333:role/enclave"});
    ASSERT_EQ(p.status, 0) << p.err;
    write_text(*dir_ / "policy.json", p.out);
  }
  static void TearDownTestSuite() {
    delete record_;
    delete pki_;
    delete dir_;
  }

  // PCR0..15: the image's PCR0, PCR1 and PCR2, zeros elsewhere (an unsigned image).
  static ForgedDocument of_the_image() {
    ForgedDocument d;
    d.timestamp_ms = static_cast<uint64_t>(std::time(nullptr)) * 1000 + 123;
    for (int i = 0; i < 16; ++i) d.pcrs[i] = pcr_of(0);
    for (int i = 0; i < 3; ++i) {
      d.pcrs[i] = hex_bytes((*record_)["Measurements"]["PCR" + std::to_string(i)]);
    }
    d.nonce = std::vector<uint8_t>{1, 2, 3, 4};
    return d;
  }

  std::string write_doc(const std::string& name, const ForgedDocument& d) {
    std::string path = local_ / name;
    write_bytes(path, test::forge_attestation(d, *pki_));
    return path;
  }

  static RunResult verify(const std::string& doc, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"attestation", "verify", doc, "--root", pki_->root_pem};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_eifkit(args);
  }

  static RunResult check(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"policy", "check", "--policy", *dir_ / "policy.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_eifkit(args);
  }

  static ScratchDir* dir_;
  static test::TestPki* pki_;
  static json* record_;
  ScratchDir local_;
};

ScratchDir* CliAttestation::dir_ = nullptr;
test::TestPki* CliAttestation::pki_ = nullptr;
json* CliAttestation::record_ = nullptr;

TEST_F(CliAttestation, PolicyAllowsADocumentWithTheImagesPcrsAndDeniesAnother) {
  std::string good = write_doc("good.cbor", of_the_image());
  RunResult allowed = check({"--attestation", good, "--root", pki_->root_pem});
  ASSERT_EQ(allowed.status, 0) << allowed.out << allowed.err;
  json a = json::parse(allowed.out);
  EXPECT_EQ(a["Decision"], "allow");
  EXPECT_EQ(a["Allowed"], true);
  EXPECT_EQ(a["Attestation"]["Verified"], true);
  EXPECT_EQ(a["Measured"]["kms:RecipientAttestation:PCR2"], (*record_)["Measurements"]["PCR2"]);

  ForgedDocument other = of_the_image();
  other.pcrs[2] = pcr_of(0x22);
  RunResult denied =
      check({"--attestation", write_doc("other.cbor", other), "--root", pki_->root_pem});
  EXPECT_EQ(denied.status, 1) << denied.err;
  json d = json::parse(denied.out);
  EXPECT_EQ(d["Decision"], "no-matching-allow");
  EXPECT_EQ(d["Measured"], json({{"kms:RecipientAttestation:PCR2", std::string(96, '2')}}));
  EXPECT_NE(d["Reason"].get<std::string>().find("kms:RecipientAttestation:PCR2 is 2222222222222222"
                                                "..., not the value"),
            std::string::npos)
      << d["Reason"];
}

TEST_F(CliAttestation, KeyServiceRejectsADocumentThatDoesNotVerifyBeforeAnyPolicy) {
  std::vector<uint8_t> doc = test::forge_attestation(of_the_image(), *pki_);
  doc.back() ^= 1;  // the signature's last byte
  write_bytes(local_ / "tampered.cbor", doc);
  RunResult r = check({"--attestation", local_ / "tampered.cbor", "--root", pki_->root_pem});
  EXPECT_EQ(r.status, 1);
  json j = json::parse(r.out);
  EXPECT_EQ(j["Decision"], "document-rejected");
  EXPECT_EQ(j["Attestation"]["Failed"], json({"Signature"}));
  EXPECT_EQ(j["Reason"],
            "the key service would reject the attestation document before reading any policy: "
            "Signature: the ES384 signature does not verify with the leaf certificate's key (read "
            "as r||s big-endian, as AWS's NSM writes it)");
  // The bundled AWS root is the default: a document of another PKI is rejected on its root.
  RunResult aws = run_eifkit({"policy", "check", "--policy", *dir_ / "policy.json", "--attestation",
                              write_doc("good.cbor", of_the_image())});
  EXPECT_EQ(aws.status, 1);
  EXPECT_EQ(json::parse(aws.out)["Attestation"]["Failed"], json({"Root"}));
}

TEST_F(CliAttestation, NoDocumentMeetsNoAttestationCondition) {
  RunResult r = check({"--no-attestation"});
  EXPECT_EQ(r.status, 1);
  json j = json::parse(r.out);
  EXPECT_EQ(j["Decision"], "no-matching-allow");
  EXPECT_NE(j["Reason"].get<std::string>().find(
                "is absent (no attestation document), so its StringEqualsIgnoreCase condition "
                "does not hold"),
            std::string::npos)
      << j["Reason"];
  // A Deny on StringNotEquals holds for a request without a document, as in IAM.
  RunResult deny = run_eifkit({"policy", "aws", *dir_ / "build.json", "--effect", "deny"});
  ASSERT_EQ(deny.status, 0);
  json policy = {{"Statement", json::parse(deny.out)}};
  write_text(local_ / "deny.json", policy.dump());
  RunResult denied =
      run_eifkit({"policy", "check", "--policy", local_ / "deny.json", "--no-attestation"});
  EXPECT_EQ(denied.status, 1);
  EXPECT_EQ(json::parse(denied.out)["Decision"], "deny");
}

TEST_F(CliAttestation, VerifyChecksThePcrsOfTheEifOfARecordOrOfFlags) {
  std::string good = write_doc("good.cbor", of_the_image());
  for (const std::vector<std::string>& expect :
       {std::vector<std::string>{"--eif", *dir_ / "app.eif"},
        {"--record", *dir_ / "build.json"},
        {"--pcr", "0=" + (*record_)["Measurements"]["PCR0"].get<std::string>(), "--pcr",
         "8=" + std::string(96, '0')}}) {
    RunResult r = verify(good, expect);
    EXPECT_EQ(r.status, 0) << r.out;
    json j = json::parse(r.out);
    EXPECT_EQ(j["Checks"], json({{"Decode", true},
                                 {"Signature", true},
                                 {"Chain", true},
                                 {"Validity", true},
                                 {"Root", true},
                                 {"PCRs", true}}));
    EXPECT_EQ(j["Verified"], true);
    EXPECT_EQ(j["Platform"], "nitro");
    EXPECT_EQ(j["AtFrom"], "now");
  }
  ForgedDocument other = of_the_image();
  other.pcrs[1] = pcr_of(0x11);
  RunResult r = verify(write_doc("other.cbor", other), {"--eif", *dir_ / "app.eif"});
  EXPECT_EQ(r.status, 1);
  json j = json::parse(r.out);
  EXPECT_EQ(j["Failed"], json({"PCRs"}));
  EXPECT_EQ(j["Problems"]["PCRs"],
            "PCR1 is 1111111111111111..., " + *dir_ / "app.eif" + " has " +
                (*record_)["Measurements"]["PCR1"].get<std::string>().substr(0, 16) + "...");
}

TEST_F(CliAttestation, ADebugModeDocumentFailsThePcrCheckSayingSo) {
  ForgedDocument debug = of_the_image();
  for (int i = 0; i < 3; ++i) debug.pcrs[i] = pcr_of(0);
  RunResult r = verify(write_doc("debug.cbor", debug), {"--record", *dir_ / "build.json"});
  EXPECT_EQ(r.status, 1);
  json j = json::parse(r.out);
  EXPECT_EQ(j["Attestation"]["DebugMode"], true);
  EXPECT_EQ(j["Problems"]["PCRs"],
            "the document comes from a debug-mode enclave (PCR0, PCR1 and PCR2 all zero): debug "
            "mode measures nothing, so no image's PCRs can match (" +
                *dir_ / "build.json" + ")");
}

TEST_F(CliAttestation, VerifyChecksNonceUserDataAndPublicKey) {
  test::run_tool({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                  "-out", local_ / "enclave.key"});
  test::run_tool({"openssl", "pkey", "-in", local_ / "enclave.key", "-pubout", "-out",
                  local_ / "enclave.pub"});
  test::run_tool({"openssl", "pkey", "-in", local_ / "enclave.key", "-pubout", "-outform", "DER",
                  "-out", local_ / "enclave.der"});
  ForgedDocument d = of_the_image();
  d.public_key = test::read_bytes(local_ / "enclave.der");
  d.user_data = std::vector<uint8_t>{0xab, 0xcd};
  std::string doc = write_doc("fresh.cbor", d);
  RunResult ok = verify(
      doc, {"--nonce", "01020304", "--user-data", "ABCD", "--public-key", local_ / "enclave.pub"});
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(json::parse(ok.out)["Checks"]["PublicKey"], true);
  RunResult hex = verify(doc, {"--public-key", to_hex(*d.public_key)});
  EXPECT_EQ(hex.status, 0) << hex.out;

  RunResult stale = verify(doc, {"--nonce", "01020305", "--user-data", "abce"});
  EXPECT_EQ(stale.status, 1);
  json j = json::parse(stale.out);
  EXPECT_EQ(j["Failed"], json({"Nonce", "UserData"}));
  EXPECT_EQ(j["Problems"]["Nonce"], "the document's nonce is 01020304, expected 01020305");
  ForgedDocument no_nonce = of_the_image();
  no_nonce.nonce.reset();
  RunResult null = verify(write_doc("null.cbor", no_nonce), {"--nonce", "01020304"});
  EXPECT_EQ(json::parse(null.out)["Problems"]["Nonce"],
            "the document's nonce is null, expected 01020304");
}

TEST_F(CliAttestation, CertificatesAreCheckedAtTheTimeAsked) {
  std::string doc = write_doc("good.cbor", of_the_image());
  RunResult later = verify(doc, {"--at", "2099-01-01T00:00:00Z"});
  EXPECT_EQ(later.status, 1);
  json j = json::parse(later.out);
  EXPECT_EQ(j["Failed"], json({"Validity"}));
  EXPECT_EQ(j["At"], "2099-01-01T00:00:00+00:00");
  EXPECT_EQ(j["AtFrom"], "--at");
  RunResult at_doc = verify(doc, {"--at", "doc"});
  EXPECT_EQ(at_doc.status, 0) << at_doc.out;
  EXPECT_EQ(json::parse(at_doc.out)["AtFrom"], "document timestamp");
}

TEST_F(CliAttestation, QingTianSignaturesHoldRAndSLittleEndian) {
  ScratchDir pki_dir;
  test::TestPki qt = test::make_test_pki(pki_dir.path(), "huaweicloud.qingtian-enclaves test");
  ForgedDocument d = of_the_image();
  d.qingtian = true;
  write_bytes(local_ / "qt.cbor", test::forge_attestation(d, qt));
  RunResult r = run_eifkit({"attestation", "verify", local_ / "qt.cbor", "--root", qt.root_pem});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["Platform"], "qingtian");
  EXPECT_EQ(json::parse(r.out)["PlatformFrom"], "root");
  RunResult as_nitro = run_eifkit(
      {"attestation", "verify", local_ / "qt.cbor", "--root", qt.root_pem, "--encoding", "nitro"});
  EXPECT_EQ(as_nitro.status, 1);
  EXPECT_EQ(json::parse(as_nitro.out)["Failed"], json({"Signature"}));
}

TEST_F(CliAttestation, ShowPrintsTheFieldsOfRawBase64AndHexDocuments) {
  std::vector<uint8_t> raw = test::forge_attestation(of_the_image(), *pki_);
  write_bytes(local_ / "doc.cbor", raw);
  write_text(local_ / "doc.b64",
             base64_encode({reinterpret_cast<const char*>(raw.data()), raw.size()}) + "\n");
  write_text(local_ / "doc.hex", to_hex(raw));
  json first;
  for (const char* name : {"doc.cbor", "doc.b64", "doc.hex"}) {
    RunResult r = run_eifkit({"attestation", "show", local_ / name, "--at", "doc"});
    ASSERT_EQ(r.status, 0) << r.err;
    json j = json::parse(r.out);
    EXPECT_EQ(j["PCRs"]["2"], (*record_)["Measurements"]["PCR2"]);
    EXPECT_EQ(j["Nonce"], "01020304");
    EXPECT_EQ(j["PublicKey"], nullptr);
    EXPECT_EQ(j["Certificate"]["Subject"], "CN=eifkit test enclave");
    EXPECT_EQ(j["CaBundle"][0]["Subject"], "CN=eifkit test root");
    EXPECT_EQ(j["CaBundle"][0]["Role"], "cabundle[0] (root)");
    EXPECT_EQ(j["AllZeroPCRs"], json({3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
    EXPECT_EQ(j["DebugMode"], false);
    j.erase("Document");
    j.erase("Encoding");
    if (first.is_null()) first = j;
    EXPECT_EQ(j, first);
  }
}

TEST_F(CliAttestation, UnusableDocumentsExitTwoWithOneLine) {
  std::vector<uint8_t> raw = test::forge_attestation(of_the_image(), *pki_);
  raw.resize(raw.size() / 2);
  write_bytes(local_ / "cut.cbor", raw);
  RunResult r = verify(local_ / "cut.cbor");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(json::parse(r.out)["Checks"], json({{"Decode", false}}));
  EXPECT_TRUE(r.err.starts_with("eifkit: " + local_ / "cut.cbor" + ": not valid CBOR: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  RunResult show = run_eifkit({"attestation", "show", local_ / "cut.cbor"});
  EXPECT_EQ(show.status, 2);
  EXPECT_EQ(show.out, "");
  EXPECT_EQ(show.err, r.err);
  RunResult policy = check({"--attestation", local_ / "cut.cbor"});
  EXPECT_EQ(policy.status, 2);
  EXPECT_EQ(policy.err, r.err);
}

TEST_F(CliAttestation, BadFlagsAreOneLineErrors) {
  std::string doc = write_doc("good.cbor", of_the_image());
  expect_one_line_error(verify(doc, {"--pcr", "40=00"}),
                        "--pcr: '40=00' is not N=HEX with N from 0 to 31");
  expect_one_line_error(verify(doc, {"--pcr", "1=xyz"}), "--pcr: 'xyz' is not hex");
  // A PCR is SHA-384: 96 hex digits, no fewer (a SHA-256) and no more.
  expect_one_line_error(
      verify(doc, {"--pcr", "4=" + std::string(64, 'a')}),
      "--pcr: the value for PCR4 is 64 hex digits; a PCR is 96 hex digits (SHA-384)");
  expect_one_line_error(
      verify(doc, {"--pcr", "0=" + std::string(98, 'a')}),
      "--pcr: the value for PCR0 is 98 hex digits; a PCR is 96 hex digits (SHA-384)");
  expect_one_line_error(verify(doc, {"--at", "yesterday"}),
                        "--at: 'yesterday' is not now, doc or an RFC 3339 time "
                        "(YYYY-MM-DDTHH:MM:SS[.fraction] then Z or +HH:MM, a date that exists, "
                        "seconds 00 to 59)");
  expect_one_line_error(verify(doc, {"--nonce", "0g"}), "--nonce: '0g' is not hex");
  expect_one_line_error(check({"--eif", *dir_ / "app.eif", "--root", pki_->root_pem}),
                        "--root, --at and --encoding go with --attestation DOC");
  expect_one_line_error(check({}),
                        "policy check needs the image (--eif FILE or a build record), an "
                        "attestation document (--attestation DOC) or --no-attestation");
}

}  // namespace
}  // namespace eifkit
