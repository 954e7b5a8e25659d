// `eifkit provenance` signing into DSSE envelopes and `provenance verify`, end to end: the
// envelope checked by an independent implementation (tests/provenance/dsse_check.py, over
// Debian's securesystemslib), two-step signing with openssl as the outside signer, the SLSA
// predicate's dependencies against digests openssl computes, and what tampering does.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/base64.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/independent_hash.h"
#include "tests/support/requirements.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::tool_output;
using test::vector_path;
using test::write_bytes;

constexpr const char* kInToto = "application/vnd.in-toto+json";

std::string input(const std::string& name) {
  return vector_path("eif/inputs/" + name);
}
std::string checker() {
  return std::string(EIFKIT_TESTDATA) + "/../tests/provenance/dsse_check.py";
}

// The SHA-256 fingerprint openssl gives, lowercase without colons: the envelope's keyid.
std::string fingerprint(const std::string& cert) {
  std::string out =
      tool_output({"openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"});
  std::string hex;
  for (char c : out.substr(out.find('=') + 1)) {
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return hex;
}

std::string sha256_hex(const std::string& path) {
  std::string out = tool_output({"openssl", "dgst", "-sha256", "-r", path});
  return out.substr(0, out.find(' '));
}

json parse_file(const std::string& path) {
  std::vector<uint8_t> bytes = read_bytes(path);
  return json::parse(bytes.begin(), bytes.end());
}

json payload_of(const json& envelope) {
  auto bytes = base64_decode(envelope["payload"].get<std::string>());
  EXPECT_TRUE(bytes.has_value());
  return json::parse(bytes->begin(), bytes->end());
}

class ProvenanceTest : public testing::Test {
 protected:
  void SetUp() override {
    EIFKIT_REQUIRE(std::filesystem::exists("/usr/lib/python3/dist-packages/securesystemslib"),
                   "python3-securesystemslib is not installed (make deps installs it)");
    // A signed low-level build of the vectors' inputs, with its record.
    RunResult r = run_eifkit(
        {"build", "--kernel", input("kernel.bin"), "--cmdline-file", input("cmdline.txt"),
         "--ramdisk", input("ramdisk-bootstrap.bin"), "--ramdisk", input("ramdisk-app.bin"),
         "--build-time", "2024-01-01T00:00:00Z", "--signing-certificate", cert_, "--private-key",
         key_, "--output", eif_, "--measurements-out", record_});
    ASSERT_EQ(r.status, 0) << r.err;
    measurements_ = json::parse(r.out)["Measurements"];
    ready_ = true;
  }

  // `provenance RECORD ARGS... --output OUT`, which must succeed quietly.
  void sign(const std::vector<std::string>& args, const std::string& out) {
    std::vector<std::string> command = {"provenance", record_};
    command.insert(command.end(), args.begin(), args.end());
    command.insert(command.end(), {"--output", out});
    RunResult r = run_eifkit(command);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");
  }

  // What the independent checker says of an envelope: its exit status and stdout.
  RunResult independent(const std::string& envelope, const std::string& cert) {
    RunResult r;
    try {
      r.out = tool_output({"/usr/bin/python3", checker(), envelope, cert});
      r.status = 0;
    } catch (const std::runtime_error& e) {
      r.status = 1;
      r.err = e.what();
    }
    return r;
  }

  ScratchDir dir_;
  std::string cert_ = input("signing-cert.pem"), key_ = input("signing-key.pem");
  std::string eif_ = dir_ / "app.eif", record_ = dir_ / "app.json";
  json measurements_;
  bool ready_ = false;
};

TEST_F(ProvenanceTest, ASignedStatementVerifiesWithSecuresystemslibAndWithEifkit) {
  for (const char* predicate : {"measurements", "slsa"}) {
    SCOPED_TRACE(predicate);
    std::string envelope = dir_ / (std::string(predicate) + ".dsse.json");
    sign({"--predicate", predicate, "--signing-certificate", cert_, "--private-key", key_},
         envelope);
    json e = parse_file(envelope);
    EXPECT_EQ(e["payloadType"], kInToto);
    ASSERT_EQ(e["signatures"].size(), 1u);
    EXPECT_EQ(e["signatures"][0]["keyid"], fingerprint(cert_));
    // The payload is the statement the unsigned command prints.
    RunResult plain = run_eifkit({"provenance", record_, "--predicate", predicate});
    ASSERT_EQ(plain.status, 0) << plain.err;
    EXPECT_EQ(payload_of(e), json::parse(plain.out));

    RunResult checked = independent(envelope, cert_);
    ASSERT_EQ(checked.status, 0) << checked.err;
    std::string type = std::string(predicate) == "slsa"
                           ? "https://slsa.dev/provenance/v1"
                           : "https://eifkit.dev/enclave-measurements/v1";
    EXPECT_EQ(checked.out, "keyid matches\n" + type + "\n" + test::openssl_sha384_hex(eif_) + "\n");

    RunResult v = run_eifkit({"provenance", "verify", envelope, "--signing-certificate", cert_,
                              "--eif", eif_, "--record", record_});
    ASSERT_EQ(v.status, 0) << v.err;
    EXPECT_EQ(v.err, "");
    json report = json::parse(v.out);
    EXPECT_EQ(report["Verified"], true);
    EXPECT_EQ(
        report["Checks"],
        json({{"Signature", true}, {"Subject", true}, {"Record", true}, {"Measurements", true}}));
    EXPECT_EQ(report["Measurements"], measurements_);
    EXPECT_EQ(report["PredicateType"], type);
    EXPECT_EQ(report["Subject"]["Sha384"], test::openssl_sha384_hex(eif_));
    EXPECT_EQ(report["Subject"]["Sha256"], sha256_hex(eif_));
    EXPECT_EQ(report["Signer"]["Sha256Fingerprint"], fingerprint(cert_));
  }
}

TEST_F(ProvenanceTest, AP256KeyVerifiesToo) {
  ASSERT_TRUE(ready_);
  std::string cert = dir_ / "p256.pem", key = dir_ / "p256.key";
  RunResult k = run_eifkit({"keygen", "--curve", "P-256", "--private-key", key,
                            "--signing-certificate", cert, "--subject", "/CN=provenance"});
  ASSERT_EQ(k.status, 0) << k.err;
  std::string envelope = dir_ / "p256.dsse.json";
  sign({"--signing-certificate", cert, "--private-key", key}, envelope);
  EXPECT_EQ(independent(envelope, cert).status, 0);
  EXPECT_EQ(run_eifkit({"provenance", "verify", envelope, "--signing-certificate", cert}).status,
            0);
  // Another key's certificate is not the signer.
  RunResult other = run_eifkit({"provenance", "verify", envelope, "--signing-certificate", cert_});
  EXPECT_EQ(other.status, 1);
  EXPECT_EQ(other.err, "eifkit: " + envelope + ": no signature in it verifies with " + cert_ +
                           "'s key: the payload or the signature was changed, or another key "
                           "signed it\n");
  EXPECT_EQ(json::parse(other.out)["Verified"], false);
  EXPECT_FALSE(json::parse(other.out).contains("Measurements"));
}

// Step 1 exports DSSE's PAE bytes and their digest, openssl signs them (step 2), step 3 puts
// the signature into the envelope.
TEST_F(ProvenanceTest, TwoStepSigningWithOpensslAsTheOutsideSigner) {
  ASSERT_TRUE(ready_);
  std::string payload = dir_ / "payload.bin";
  RunResult exported = run_eifkit({"provenance", record_, "--predicate", "slsa",
                                   "--signing-certificate", cert_, "--export-payload", payload});
  ASSERT_EQ(exported.status, 0) << exported.err;
  json out = json::parse(exported.out);
  EXPECT_EQ(out["DigestFile"], payload + ".sha384");
  EXPECT_EQ(out["DigestAlgorithm"], "sha384");
  EXPECT_EQ(out["Digest"], test::openssl_sha384_hex(payload));
  // The PAE of the statement, as the DSSE protocol spells it.
  RunResult plain = run_eifkit({"provenance", record_, "--predicate", "slsa"});
  std::string statement = json::parse(plain.out).dump();
  std::string pae = "DSSEv1 28 ";
  pae += kInToto;
  pae += " " + std::to_string(statement.size()) + " " + statement;
  std::vector<uint8_t> exported_bytes = read_bytes(payload);
  EXPECT_EQ(std::string(exported_bytes.begin(), exported_bytes.end()), pae);

  tool_output({"openssl", "dgst", "-sha384", "-sign", key_, "-out", dir_ / "sig.der", payload});
  std::string envelope = dir_ / "two-step.dsse.json";
  sign({"--predicate", "slsa", "--signing-certificate", cert_, "--signature", dir_ / "sig.der"},
       envelope);
  EXPECT_EQ(independent(envelope, cert_).status, 0);
  EXPECT_EQ(
      run_eifkit({"provenance", "verify", envelope, "--signing-certificate", cert_, "--eif", eif_})
          .status,
      0);

  // A signature over other bytes is refused before any envelope is written.
  tool_output({"openssl", "dgst", "-sha384", "-sign", key_, "-out", dir_ / "other.der", eif_});
  RunResult wrong =
      run_eifkit({"provenance", record_, "--predicate", "slsa", "--signing-certificate", cert_,
                  "--signature", dir_ / "other.der", "--output", dir_ / "wrong.json"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_EQ(wrong.err, "eifkit: " + (dir_ / "other.der") + ": does not verify with " + cert_ +
                           "'s key over this statement's bytes (signed another export, or with "
                           "another key)\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "wrong.json"));
}

TEST_F(ProvenanceTest, TamperingFailsWithOneLine) {
  ASSERT_TRUE(ready_);
  std::string envelope = dir_ / "app.dsse.json";
  sign({"--signing-certificate", cert_, "--private-key", key_}, envelope);
  json good = parse_file(envelope);
  const std::string unverified =
      "'s key: the payload or the signature was changed, or another "
      "key signed it\n";

  // The payload: PCR2 vouched for as another value.
  json statement = payload_of(good);
  statement["predicate"]["measurements"]["PCR2"] = std::string(96, '0');
  json payload_changed = good;
  std::string text = statement.dump();
  payload_changed["payload"] = base64_encode(text);
  std::string tampered = dir_ / "payload.dsse.json";
  write_bytes(tampered, test::to_bytes(payload_changed.dump()));
  RunResult r = run_eifkit({"provenance", "verify", tampered, "--signing-certificate", cert_});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eifkit: " + tampered + ": no signature in it verifies with " + cert_ + unverified);
  EXPECT_NE(independent(tampered, cert_).status, 0);

  // The signature: one bit of it.
  auto sig = base64_decode(good["signatures"][0]["sig"].get<std::string>());
  (*sig)[sig->size() - 1] ^= 1;
  json sig_changed = good;
  sig_changed["signatures"][0]["sig"] =
      base64_encode({reinterpret_cast<char*>(sig->data()), sig->size()});
  tampered = dir_ / "sig.dsse.json";
  write_bytes(tampered, test::to_bytes(sig_changed.dump()));
  r = run_eifkit({"provenance", "verify", tampered, "--signing-certificate", cert_});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "eifkit: " + tampered + ": no signature in it verifies with " + cert_ + unverified);
  EXPECT_NE(independent(tampered, cert_).status, 0);

  // The EIF: one byte of its kernel section.
  std::vector<uint8_t> eif = read_bytes(eif_);
  eif[eif.size() / 2] ^= 0xff;
  std::string changed_eif = dir_ / "changed.eif";
  write_bytes(changed_eif, eif);
  r = run_eifkit(
      {"provenance", "verify", envelope, "--signing-certificate", cert_, "--eif", changed_eif});
  EXPECT_EQ(r.status, 1);
  std::string got = test::openssl_sha384_hex(changed_eif).substr(0, 16);
  std::string want = test::openssl_sha384_hex(eif_).substr(0, 16);
  EXPECT_EQ(r.err, "eifkit: " + envelope + ": " + changed_eif + ": SHA-384 " + got +
                       "… is not the subject's " + want +
                       "…: the statement is about another EIF\n");
  json report = json::parse(r.out);
  EXPECT_EQ(report["Checks"], json({{"Signature", true}, {"Subject", false}}));

  // A record of another build.
  std::string other_record = dir_ / "other.json";
  RunResult other =
      run_eifkit({"build", "--kernel", input("kernel.bin"), "--ramdisk",
                  input("ramdisk-bootstrap.bin"), "--output", dir_ / "other.eif", "--build-time",
                  "2024-01-01T00:00:00Z", "--measurements-out", other_record});
  ASSERT_EQ(other.status, 0) << other.err;
  r = run_eifkit(
      {"provenance", "verify", envelope, "--signing-certificate", cert_, "--record", other_record});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(other_record + ": SHA-384 "), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(ProvenanceTest, WhatCannotBeCheckedIsUnusable) {
  ASSERT_TRUE(ready_);
  std::string envelope = dir_ / "app.dsse.json";
  sign({"--signing-certificate", cert_, "--private-key", key_}, envelope);
  auto verify = [&](const std::string& path) {
    return run_eifkit({"provenance", "verify", path, "--signing-certificate", cert_});
  };
  write_bytes(dir_ / "statement.json", read_bytes(record_));
  RunResult r = verify(dir_ / "statement.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir_ / "statement.json") +
                       ": not a DSSE envelope: payloadType is missing or not a string\n");
  json other_type = parse_file(envelope);
  other_type["payloadType"] = "application/json";
  write_bytes(dir_ / "type.json", test::to_bytes(other_type.dump()));
  r = verify(dir_ / "type.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir_ / "type.json") +
                       ": payloadType is \"application/json\", not "
                       "\"application/vnd.in-toto+json\": not an in-toto statement\n");
  json unsigned_envelope = parse_file(envelope);
  unsigned_envelope["signatures"] = json::array();
  write_bytes(dir_ / "unsigned.json", test::to_bytes(unsigned_envelope.dump()));
  r = verify(dir_ / "unsigned.json");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir_ / "unsigned.json") +
                       ": no signatures (an unsigned envelope vouches for nothing)\n");
  r = run_eifkit({"provenance", "verify", envelope});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eifkit: provenance verify needs --signing-certificate (whose key must have signed "
            "it)\n");
}

// SLSA's resolved dependencies are the files the build read, with the digests openssl gives;
// its byproducts are the PCRs the build printed.
TEST_F(ProvenanceTest, SlsaListsEveryInputAndThePcrs) {
  ASSERT_TRUE(ready_);
  RunResult r =
      run_eifkit({"provenance", record_, "--predicate", "slsa", "--builder-id",
                  "https://github.com/example/app/.github/workflows/eif.yml@refs/heads/main"});
  ASSERT_EQ(r.status, 0) << r.err;
  json predicate = json::parse(r.out)["predicate"];
  json expected = json::array();
  std::vector<std::pair<std::string, std::string>> files = {
      {"kernel", input("kernel.bin")},
      {"cmdline", input("cmdline.txt")},
      {"ramdisk 1", input("ramdisk-bootstrap.bin")},
      {"ramdisk 2", input("ramdisk-app.bin")}};
  for (const auto& [name, path] : files) {
    expected.push_back(
        {{"name", name},
         {"annotations", {{"path", path}}},
         {"digest", {{"sha256", sha256_hex(path)}, {"sha384", test::openssl_sha384_hex(path)}}}});
  }
  EXPECT_EQ(predicate["buildDefinition"]["resolvedDependencies"], expected);
  EXPECT_EQ(predicate["buildDefinition"]["buildType"], "https://eifkit.dev/build/v1");
  EXPECT_EQ(predicate["buildDefinition"]["externalParameters"]["buildTime"],
            "2024-01-01T00:00:00Z");
  EXPECT_EQ(predicate["runDetails"]["builder"]["id"],
            "https://github.com/example/app/.github/workflows/eif.yml@refs/heads/main");
  json byproducts = json::array();
  for (const char* pcr : {"PCR0", "PCR1", "PCR2", "PCR8"}) {
    byproducts.push_back({{"name", pcr}, {"digest", {{"sha384", measurements_[pcr]}}}});
  }
  EXPECT_EQ(predicate["runDetails"]["byproducts"], byproducts);

  // An EIF alone does not say what it was built from.
  r = run_eifkit({"provenance", eif_, "--predicate", "slsa"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + eif_ +
                       ": has no Inputs, so SLSA provenance would list no dependencies: give the "
                       "build record `build --measurements-out` writes\n");
  r = run_eifkit({"provenance", record_, "--builder-id", "https://ci.example"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: --builder-id: only with --predicate slsa\n");
}

// An image build's record names the image by its ID and each layer by its diff_id: the
// config's own, read here with tar and python.
TEST(ProvenanceImage, AnImageBuildRecordsTheImageLayersAndBootFiles) {
  ScratchDir dir;
  std::string image = test::testdata_path("sample-image.tar");
  RunResult r =
      run_eifkit({"build", "--image", image, "--kernel", input("kernel.bin"), "--init",
                  vector_path("ramdisk/init.bin"), "--nsm", vector_path("ramdisk/nsm.ko.bin"),
                  "--build-time", "2024-01-01T00:00:00Z", "--output", dir / "app.eif",
                  "--measurements-out", dir / "app.json"});
  ASSERT_EQ(r.status, 0) << r.err;
  json inputs = parse_file(dir / "app.json")["Inputs"];
  std::string script =
      "import json,tarfile,hashlib,sys\n"
      "t=tarfile.open(sys.argv[1])\n"
      "f={x.name.removeprefix('./'):x for x in t.getmembers()}\n"
      "m=json.load(t.extractfile(f['manifest.json']))[0]\n"
      "c=t.extractfile(f[m['Config']]).read()\n"
      "print(hashlib.sha256(c).hexdigest())\n"
      "for d in json.loads(c)['rootfs']['diff_ids']: print(d.split(':')[1])\n";
  std::string out = tool_output({"python3", "-c", script, image});
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(out.substr(start, end - start));
  }
  ASSERT_GE(lines.size(), 2u);
  json expected = json::array();
  expected.push_back({{"Name", "image"}, {"Path", image}, {"Digest", {{"sha256", lines[0]}}}});
  for (size_t i = 1; i < lines.size(); ++i) {
    expected.push_back(
        {{"Name", "layer " + std::to_string(i)}, {"Digest", {{"sha256", lines[i]}}}});
  }
  for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
           {"kernel", input("kernel.bin")},
           {"init", vector_path("ramdisk/init.bin")},
           {"nsm.ko", vector_path("ramdisk/nsm.ko.bin")}}) {
    expected.push_back(
        {{"Name", name},
         {"Path", path},
         {"Digest", {{"sha256", sha256_hex(path)}, {"sha384", test::openssl_sha384_hex(path)}}}});
  }
  EXPECT_EQ(inputs, expected);
}

}  // namespace
}  // namespace eifkit
