// Signing with a key in a PKCS#11 token: a real SoftHSM2 token, set up at test time in a
// temporary directory with its own SOFTHSM2_CONF. Each curve builds and signs; the signature
// verifies with `eifkit verify` and with openssl over the COSE to-be-signed digest; each
// failure has its exact message and leaves no output.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "formats/base64.h"
#include "formats/cose_sign1.h"
#include "formats/signature_section.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/requirements.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::run_eifkit;
using test::run_tool;
using test::RunResult;
using test::ScratchDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kModule = "/usr/lib/softhsm/libsofthsm2.so";

std::string input(const std::string& name) {
  return test::vector_path("eif/inputs/" + name);
}

std::vector<std::string> low_level(const std::string& output) {
  return {"build",
          "--kernel",
          input("kernel.bin"),
          "--cmdline-file",
          input("cmdline.txt"),
          "--ramdisk",
          input("ramdisk-bootstrap.bin"),
          "--ramdisk",
          input("ramdisk-app.bin"),
          "--output",
          output,
          "--build-time",
          "2024-01-01T00:00:00Z"};
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The three keys SetUp imports, as a missing-key message lists them.
constexpr const char* kEnclaveKeys =
    "object=signer-P-256;id=%01, object=signer-P-384;id=%02, object=signer-P-521;id=%03";

// One token, "enclave", user PIN 1234, holding a key per curve (object=signer-P-384, id=%02,
// ...), each imported from a key eifkit keygen made, with its certificate beside it.
class Pkcs11Test : public testing::Test {
 protected:
  void SetUp() override {
    EIFKIT_REQUIRE_TOOL("softhsm2-util");
    std::string conf = dir_ / "softhsm2.conf";
    run_tool({"mkdir", "-p", dir_ / "tokens"});
    test::write_bytes(conf, test::to_bytes("directories.tokendir = " + (dir_ / "tokens") +
                                           "\nobjectstore.backend = file\nlog.level = ERROR\n"));
    ::setenv("SOFTHSM2_CONF", conf.c_str(), 1);
    ::setenv("EIFKIT_PKCS11_PIN", "1234", 1);
    ::unsetenv("EIFKIT_PKCS11_MODULE");
    run_tool({"softhsm2-util", "--init-token", "--free", "--label", "enclave", "--pin", "1234",
              "--so-pin", "5678"});
    int id = 1;
    for (std::string curve : {"P-256", "P-384", "P-521"}) {
      std::string key = dir_ / (curve + ".key"), cert = dir_ / (curve + ".pem");
      RunResult r = run_eifkit({"keygen", "--private-key", key, "--signing-certificate", cert,
                                "--curve", curve, "--subject", "/CN=token " + curve});
      ASSERT_EQ(r.status, 0) << r.err;
      std::string label = "signer-", hex_id = "0";
      label += curve;  // appended, not "signer-" + curve: GCC 12 warns wrongly (-Wrestrict)
      hex_id += std::to_string(id++);
      run_tool({"softhsm2-util", "--import", key, "--token", "enclave", "--label", label, "--id",
                hex_id, "--pin", "1234"});
    }
  }
  void TearDown() override {
    ::unsetenv("SOFTHSM2_CONF");
    ::unsetenv("EIFKIT_PKCS11_PIN");
  }

  std::string cert(const std::string& curve) const { return dir_ / (curve + ".pem"); }
  std::string pem_key(const std::string& curve) const { return dir_ / (curve + ".key"); }
  static std::string uri(const std::string& curve) {
    return "pkcs11:token=enclave;object=signer-" + curve;
  }

  ScratchDir dir_;
};

nlohmann::json measurements(const RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.err;
  return nlohmann::json::parse(r.out)["Measurements"];
}

// openssl's own check of the COSE signature: the signature section's r‖s, as DER, over the
// digest `sign --export-payload` gives for the same PCR0 and certificate.
void expect_openssl_verifies(const ScratchDir& dir, const std::string& signed_eif,
                             const std::string& unsigned_eif, const std::string& cert,
                             size_t coordinate) {
  std::string payload = dir / "payload.bin";
  RunResult exported = run_eifkit(
      {"sign", unsigned_eif, "--signing-certificate", cert, "--export-payload", payload});
  ASSERT_EQ(exported.status, 0) << exported.err;
  std::string digest = nlohmann::json::parse(exported.out)["DigestFile"];
  RunResult x = run_eifkit({"extract", signed_eif, "--output", dir / "parts"});
  ASSERT_EQ(x.status, 0) << x.err;
  std::vector<uint8_t> section = read_bytes(dir / "parts/signature.cbor");
  std::string problem;
  auto entries = decode_signature_section(section, problem);
  ASSERT_TRUE(entries) << problem;
  auto cose = decode_cose_sign1((*entries)[0].cose_sign1, problem);
  ASSERT_TRUE(cose) << problem;
  ASSERT_EQ(cose->signature.size(), 2 * coordinate);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(
      sig, BN_bin2bn(cose->signature.data(), static_cast<int>(coordinate), nullptr),
      BN_bin2bn(cose->signature.data() + coordinate, static_cast<int>(coordinate), nullptr));
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  test::write_bytes(dir / "sig.der", std::vector<uint8_t>(der, der + len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  // Throws with openssl's stderr when the signature does not verify.
  run_tool({"openssl", "pkeyutl", "-verify", "-certin", "-inkey", cert, "-in", digest, "-sigfile",
            dir / "sig.der"});
}

TEST_F(Pkcs11Test, BuildAndSignWithATokenKeyForEachCurve) {
  const std::map<std::string, size_t> coordinate = {{"P-256", 32}, {"P-384", 48}, {"P-521", 66}};
  RunResult plain = run_eifkit(low_level(dir_ / "plain.eif"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  for (const auto& [curve, size] : coordinate) {
    SCOPED_TRACE(curve);
    std::string out = dir_ / ("token-" + curve + ".eif");
    nlohmann::json token = measurements(
        run_eifkit(with(low_level(out), {"--signing-certificate", cert(curve), "--private-key",
                                         uri(curve), "--pkcs11-module", kModule})));
    // The same PCRs as a build signed with the PEM key the token holds.
    nlohmann::json pem = measurements(
        run_eifkit(with(low_level(dir_ / ("pem-" + curve + ".eif")),
                        {"--signing-certificate", cert(curve), "--private-key", pem_key(curve)})));
    EXPECT_EQ(token, pem);
    RunResult verify = run_eifkit({"verify", out, "--signing-certificate", cert(curve)});
    EXPECT_EQ(verify.status, 0) << verify.out;
    expect_openssl_verifies(dir_, out, dir_ / "plain.eif", cert(curve), size);

    // sign: the module from the environment this time.
    std::string signed_eif = dir_ / ("signed-" + curve + ".eif");
    RunResult sign = run_eifkit({"sign", dir_ / "plain.eif", "--signing-certificate", cert(curve),
                                 "--private-key", uri(curve), "--output", signed_eif},
                                {std::string("EIFKIT_PKCS11_MODULE=") + kModule});
    EXPECT_EQ(measurements(sign), token);
    EXPECT_EQ(run_eifkit({"verify", signed_eif, "--signing-certificate", cert(curve)}).status, 0);
  }
}

// Provenance signed inside the token: the envelope verifies with eifkit and with the
// independent checker (tests/provenance/dsse_check.py, Debian's securesystemslib).
TEST_F(Pkcs11Test, ProvenanceIsSignedByATokenKey) {
  RunResult build =
      run_eifkit(with(low_level(dir_ / "app.eif"), {"--measurements-out", dir_ / "app.json"}));
  ASSERT_EQ(build.status, 0) << build.err;
  for (std::string curve : {"P-256", "P-384"}) {
    SCOPED_TRACE(curve);
    std::string envelope = dir_ / (curve + ".dsse.json");
    RunResult r = run_eifkit({"provenance", dir_ / "app.json", "--predicate", "slsa",
                              "--signing-certificate", cert(curve), "--private-key", uri(curve),
                              "--pkcs11-module", kModule, "--output", envelope});
    ASSERT_EQ(r.status, 0) << r.err;
    RunResult v = run_eifkit({"provenance", "verify", envelope, "--signing-certificate",
                              cert(curve), "--eif", dir_ / "app.eif"});
    EXPECT_EQ(v.status, 0) << v.err;
    EXPECT_EQ(
        test::tool_output({"/usr/bin/python3",
                           std::string(EIFKIT_TESTDATA) + "/../tests/provenance/dsse_check.py",
                           envelope, cert(curve)})
            .substr(0, 14),
        "keyid matches\n");
  }
}

TEST_F(Pkcs11Test, KeySelectedByIdAndPinFromAFile) {
  test::write_bytes(dir_ / "pin", test::to_bytes("1234\n"));
  ::unsetenv("EIFKIT_PKCS11_PIN");
  std::string out = dir_ / "app.eif";
  RunResult r = run_eifkit(
      with(low_level(out), {"--signing-certificate", cert("P-384"), "--private-key",
                            "pkcs11:token=enclave;id=%02?pin-source=file:" + (dir_ / "pin"),
                            "--pkcs11-module", kModule}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(run_eifkit({"verify", out, "--signing-certificate", cert("P-384")}).status, 0);
}

void expect_refused(const RunResult& r, const std::string& message, const ScratchDir& dir) {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "app.eif"));
}

TEST_F(Pkcs11Test, AWrongPinIsRefusedAndNeverShown) {
  RunResult r = run_eifkit(with(low_level(dir_ / "app.eif"),
                                {"--signing-certificate", cert("P-384"), "--private-key",
                                 uri("P-384") + "?pin-value=9999", "--pkcs11-module", kModule}));
  expect_refused(r, uri("P-384") + ": login to token 'enclave' failed: PIN incorrect", dir_);
  EXPECT_THAT(r.err, Not(HasSubstr("9999")));
}

TEST_F(Pkcs11Test, AMissingObjectIsNamed) {
  expect_refused(run_eifkit(with(low_level(dir_ / "app.eif"),
                                 {"--signing-certificate", cert("P-384"), "--private-key",
                                  "pkcs11:token=enclave;object=nope", "--pkcs11-module", kModule})),
                 std::string("pkcs11:token=enclave;object=nope: token 'enclave' has no private "
                             "key object=nope (its private keys: ") +
                     kEnclaveKeys + ")",
                 dir_);
  expect_refused(run_eifkit(with(low_level(dir_ / "app.eif"),
                                 {"--signing-certificate", cert("P-384"), "--private-key",
                                  "pkcs11:token=other;object=signer", "--pkcs11-module", kModule})),
                 std::string("pkcs11:token=other;object=signer: no token matches it in ") +
                     kModule + " (tokens: 'enclave')",
                 dir_);
}

TEST_F(Pkcs11Test, ATokenKeyThatIsNotTheCertificatesIsRefused) {
  RunResult other = run_eifkit({"keygen", "--private-key", dir_ / "other.key",
                                "--signing-certificate", dir_ / "other.pem", "--curve", "P-384"});
  ASSERT_EQ(other.status, 0) << other.err;
  expect_refused(run_eifkit(with(low_level(dir_ / "app.eif"),
                                 {"--signing-certificate", dir_ / "other.pem", "--private-key",
                                  uri("P-384"), "--pkcs11-module", kModule})),
                 uri("P-384") + ": this private key does not belong to the certificate " +
                     (dir_ / "other.pem"),
                 dir_);
}

TEST_F(Pkcs11Test, AMissingModuleIsNamed) {
  expect_refused(
      run_eifkit(with(low_level(dir_ / "app.eif"),
                      {"--signing-certificate", cert("P-384"), "--private-key", uri("P-384")})),
      uri("P-384") + ": no PKCS#11 module: give --pkcs11-module PATH or set EIFKIT_PKCS11_MODULE",
      dir_);
  expect_refused(
      run_eifkit(with(low_level(dir_ / "app.eif"),
                      {"--signing-certificate", cert("P-384"), "--private-key", uri("P-384"),
                       "--pkcs11-module", dir_ / "missing.so"})),
      dir_ / "missing.so" + ": cannot read the PKCS#11 module: No such file or directory", dir_);
  test::write_bytes(dir_ / "notamodule.so", test::to_bytes("not a shared object"));
  RunResult r = run_eifkit(
      with(low_level(dir_ / "app.eif"), {"--signing-certificate", cert("P-384"), "--private-key",
                                         uri("P-384"), "--pkcs11-module", dir_ / "notamodule.so"}));
  expect_refused(r, dir_ / "notamodule.so" + ": cannot load the PKCS#11 module: file too short",
                 dir_);
  // A shared object, but not a PKCS#11 module.
  std::string libz = "/lib/x86_64-linux-gnu/libz.so.1";
  if (std::filesystem::exists(libz)) {
    expect_refused(run_eifkit(with(low_level(dir_ / "app.eif"),
                                   {"--signing-certificate", cert("P-384"), "--private-key",
                                    uri("P-384"), "--pkcs11-module", libz})),
                   libz + ": is not a PKCS#11 module (it has no C_GetFunctionList)", dir_);
  }
}

TEST_F(Pkcs11Test, KeygenWritesTheCertificateOfATokenKey) {
  std::string cert_path = dir_ / "token.pem";
  RunResult r = run_eifkit({"keygen", "--private-key", uri("P-521") + "?pin-value=1234",
                            "--signing-certificate", cert_path, "--subject", "/CN=in the token",
                            "--pkcs11-module", kModule});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json printed = nlohmann::json::parse(r.out);
  EXPECT_EQ(printed["PrivateKey"], uri("P-521"));  // the PIN is not printed
  EXPECT_EQ(printed["Curve"], "P-521");
  EXPECT_EQ(printed["Subject"], "CN=in the token");
  // Only the certificate is written; it holds the token key's public half.
  std::vector<std::string> files = dir_.entries();
  EXPECT_EQ(std::count(files.begin(), files.end(), "token.pem"), 1);
  std::string out = dir_ / "app.eif";
  ASSERT_EQ(run_eifkit(with(low_level(out), {"--signing-certificate", cert_path, "--private-key",
                                             uri("P-521"), "--pkcs11-module", kModule}))
                .status,
            0);
  EXPECT_EQ(run_eifkit({"verify", out, "--signing-certificate", cert_path}).status, 0);
  run_tool({"openssl", "verify", "-x509_strict", "-CAfile", cert_path, cert_path});
}

TEST_F(Pkcs11Test, KeygenMakesAKeyInsideTheTokenAndWritesOnlyItsCertificate) {
  std::string cert_path = dir_ / "new.pem";
  std::vector<std::string> before = dir_.entries();
  RunResult r = run_eifkit({"keygen", "--private-key", "pkcs11:token=enclave;object=new",
                            "--signing-certificate", cert_path, "--curve", "P-256",
                            "--generate-in-token", "--pkcs11-module", kModule});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json printed = nlohmann::json::parse(r.out);
  EXPECT_EQ(printed["GeneratedInToken"], true);
  EXPECT_EQ(printed["Curve"], "P-256");
  before.push_back("new.pem");
  std::sort(before.begin(), before.end());
  EXPECT_EQ(dir_.entries(), before);  // no key file
  std::string out = dir_ / "app.eif";
  RunResult build =
      run_eifkit(with(low_level(out), {"--signing-certificate", cert_path, "--private-key",
                                       "pkcs11:object=new", "--pkcs11-module", kModule}));
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_EQ(run_eifkit({"verify", out, "--signing-certificate", cert_path}).status, 0);
  RunResult plain = run_eifkit(low_level(dir_ / "plain.eif"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  expect_openssl_verifies(dir_, out, dir_ / "plain.eif", cert_path, 32);
  // Run again, the key is found, not made twice.
  RunResult again =
      run_eifkit({"keygen", "--private-key", "pkcs11:token=enclave;object=new",
                  "--signing-certificate", dir_ / "again.pem", "--pkcs11-module", kModule});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["GeneratedInToken"], false);
}

TEST_F(Pkcs11Test, KeygenInATokenNeedsALabel) {
  RunResult r =
      run_eifkit({"keygen", "--private-key", "pkcs11:token=enclave;id=%09", "--signing-certificate",
                  dir_ / "new.pem", "--generate-in-token", "--pkcs11-module", kModule});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eifkit: pkcs11:token=enclave;id=%09: a key made in a token needs a label: add "
            "object=NAME to the URI\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "new.pem"));
}

// A mistyped object= names no key: keygen says which keys the token has, and makes none.
TEST_F(Pkcs11Test, KeygenMakesNoKeyUnlessAskedTo) {
  std::vector<std::string> args = {"keygen",
                                   "--private-key",
                                   "pkcs11:token=enclave;object=signr",
                                   "--signing-certificate",
                                   dir_ / "new.pem",
                                   "--pkcs11-module",
                                   kModule};
  std::string missing = std::string(
                            "pkcs11:token=enclave;object=signr: token 'enclave' has no private "
                            "key object=signr (its private keys: ") +
                        kEnclaveKeys + "); keygen --generate-in-token makes a new key in the token";
  RunResult r = run_eifkit(args);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + missing + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "new.pem"));
  // Still missing: nothing was made the first time.
  EXPECT_EQ(run_eifkit(args).err, "eifkit: " + missing + "\n");
}

TEST_F(Pkcs11Test, KeygenCurveMustBeTheCurveOfAKeyInTheToken) {
  RunResult r = run_eifkit({"keygen", "--private-key", uri("P-384"), "--signing-certificate",
                            dir_ / "c.pem", "--curve", "P-256", "--pkcs11-module", kModule});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + uri("P-384") +
                       ": the key is on P-384, not --curve P-256 (leave --curve out to write its "
                       "certificate)\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "c.pem"));
  RunResult same = run_eifkit({"keygen", "--private-key", uri("P-384"), "--signing-certificate",
                               dir_ / "c.pem", "--curve", "P-384", "--pkcs11-module", kModule});
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_EQ(nlohmann::json::parse(same.out)["GeneratedInToken"], false);
}

TEST_F(Pkcs11Test, GenerateInTokenRefusesAnObjectThatExists) {
  RunResult r = run_eifkit({"keygen", "--private-key", uri("P-384"), "--signing-certificate",
                            dir_ / "c.pem", "--generate-in-token", "--pkcs11-module", kModule});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + uri("P-384") +
                       ": token 'enclave' already has an object object=signer-P-384: a new key "
                       "needs a label and id of its own\n");
  // An id already taken, under a new label.
  RunResult id = run_eifkit({"keygen", "--private-key", "pkcs11:token=enclave;object=fresh;id=%02",
                             "--signing-certificate", dir_ / "c.pem", "--generate-in-token",
                             "--pkcs11-module", kModule});
  EXPECT_EQ(id.status, 2);
  EXPECT_EQ(id.err,
            "eifkit: pkcs11:token=enclave;object=fresh;id=%02: token 'enclave' already has an "
            "object object=fresh;id=%02: a new key needs a label and id of its own\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "c.pem"));
  RunResult pem = run_eifkit({"keygen", "--private-key", dir_ / "k.pem", "--signing-certificate",
                              dir_ / "c.pem", "--generate-in-token"});
  EXPECT_EQ(pem.err,
            "eifkit: --generate-in-token goes with a pkcs11: --private-key (a key in a token)\n");
}

// A key made, then its certificate cannot be written: the key is taken out of the token again.
TEST_F(Pkcs11Test, AKeyMadeForACertificateThatFailsIsRemoved) {
  const std::string key = "pkcs11:token=enclave;object=fresh;id=%0a";
  RunResult r = run_eifkit({"keygen", "--private-key", key, "--signing-certificate",
                            dir_ / "no/c.pem", "--generate-in-token", "--pkcs11-module", kModule});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + (dir_ / "no/c.pem") +
                       ": cannot create a temporary file beside the output: No such file or "
                       "directory\n");
  // Neither half is left: no private key of that name, and no object of that label or id (a
  // new generation under both succeeds).
  RunResult found = run_eifkit({"keygen", "--private-key", key, "--signing-certificate",
                                dir_ / "c.pem", "--pkcs11-module", kModule});
  EXPECT_EQ(found.err, "eifkit: " + key +
                           ": token 'enclave' has no private key object=fresh;id=%0a " +
                           "(its private keys: " + kEnclaveKeys +
                           "); keygen --generate-in-token makes a new key in the token\n");
  RunResult again = run_eifkit({"keygen", "--private-key", key, "--signing-certificate",
                                dir_ / "c.pem", "--generate-in-token", "--pkcs11-module", kModule});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["GeneratedInToken"], true);
}

// keygen's old spelling of --signing-certificate still works, with one note.
TEST_F(Pkcs11Test, KeygenCertificateIsTheOldSpelling) {
  RunResult r = run_eifkit({"keygen", "--private-key", uri("P-256"), "--certificate",
                            dir_ / "c.pem", "--pkcs11-module", kModule});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "eifkit: note: keygen --certificate is now --signing-certificate; --certificate will "
            "go\n");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "c.pem"));
}

TEST_F(Pkcs11Test, NoPinAndNoTerminalIsAnError) {
  ::unsetenv("EIFKIT_PKCS11_PIN");
  expect_refused(run_eifkit(with(low_level(dir_ / "app.eif"),
                                 {"--signing-certificate", cert("P-384"), "--private-key",
                                  uri("P-384"), "--pkcs11-module", kModule})),
                 uri("P-384") +
                     ": token 'enclave' needs a PIN: give pin-source=file:PATH in the URI, set "
                     "EIFKIT_PKCS11_PIN, or run on a terminal",
                 dir_);
}

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (std::string_view p : parts) s += p;
  return s;
}

// A second token, "vault", whose user PIN holds both URI separators. What no output may hold
// are the pieces of this PIN and of a wrong one between their separators: each long enough not
// to turn up by chance among an EIF's bytes, and in every encoded form of its PIN.
constexpr std::string_view kVaultPin = "vQ7Alpha&kX9Bravo;wZ3Charlie";
constexpr std::string_view kVaultPinEncoded = "vQ7Alpha%26kX9Bravo%3BwZ3Charlie";
constexpr std::string_view kWrongPinEncoded = "nM4Delta%26jR8Echo";
const std::vector<std::string> kPinPieces = {"vQ7Alpha", "kX9Bravo", "wZ3Charlie", "nM4Delta",
                                             "jR8Echo"};
constexpr std::string_view kVaultKey = "pkcs11:token=vault;object=signer";

class Pkcs11PinTest : public Pkcs11Test {
 protected:
  void SetUp() override {
    Pkcs11Test::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    run_tool({"softhsm2-util", "--init-token", "--free", "--label", "vault", "--pin",
              std::string(kVaultPin), "--so-pin", "5678"});
    run_tool({"softhsm2-util", "--import", pem_key("P-384"), "--token", "vault", "--label",
              "signer", "--id", "05", "--pin", std::string(kVaultPin)});
    ::unsetenv("EIFKIT_PKCS11_PIN");  // the URI's PIN, or none
  }

  static void expect_no_pin(const std::string& what, std::string_view bytes) {
    for (const std::string& piece : kPinPieces) {
      EXPECT_EQ(bytes.find(piece), std::string_view::npos) << what << " holds " << piece;
    }
  }

  // Runs eifkit, checking that neither its stdout nor its stderr holds a PIN.
  RunResult run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    RunResult r = run_eifkit(args, env);
    expect_no_pin("the stdout of eifkit " + args[0], r.out);
    expect_no_pin("the stderr of eifkit " + args[0], r.err);
    return r;
  }

  void expect_refused_quietly(const std::vector<std::string>& args, const std::string& message) {
    SCOPED_TRACE(message);
    RunResult r = run(args);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  }

  std::vector<std::string> build_with(const std::string& output, const std::string& key) const {
    return with(low_level(output), {"--signing-certificate", cert("P-384"), "--private-key", key,
                                    "--pkcs11-module", kModule});
  }

  // Every file in the scratch directory but the token store, read whole.
  void expect_no_pin_in_any_file() const {
    for (const std::string& name : dir_.entries()) {
      if (name == "tokens") continue;
      std::vector<uint8_t> bytes = read_bytes(dir_ / name);
      expect_no_pin(name, {reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    }
  }
};

TEST_F(Pkcs11PinTest, APinInThePathOrUnderAnyCaseOfItsNameLogsInAndSigns) {
  std::string path_pin = cat({kVaultKey, ";pin-value=", kVaultPinEncoded});
  RunResult build = run(build_with(dir_ / "app.eif", path_pin));
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_EQ(run({"verify", dir_ / "app.eif", "--signing-certificate", cert("P-384")}).status, 0);

  ASSERT_EQ(run(low_level(dir_ / "plain.eif")).status, 0);
  std::string upper_case = cat({kVaultKey, "?PIN-VALUE=", kVaultPinEncoded});
  RunResult sign = run({"sign", dir_ / "plain.eif", "--signing-certificate", cert("P-384"),
                        "--private-key", upper_case, "--output", dir_ / "signed.eif"},
                       {std::string("EIFKIT_PKCS11_MODULE=") + kModule});
  EXPECT_EQ(measurements(sign), measurements(build));
  EXPECT_EQ(run({"verify", dir_ / "signed.eif", "--signing-certificate", cert("P-384")}).status, 0);

  // Every name in mixed case, through nitro-cli's spelling of sign.
  std::string mixed = cat({"pkcs11:Token=vault;OBJECT=signer;Pin-Value=", kVaultPinEncoded});
  RunResult sign_eif = run({"sign-eif", "--eif-path", dir_ / "plain.eif", "--signing-certificate",
                            cert("P-384"), "--private-key", mixed, "--pkcs11-module", kModule,
                            "--output-file", dir_ / "nitro.eif"});
  EXPECT_EQ(sign_eif.status, 0) << sign_eif.err;
  EXPECT_EQ(run({"verify", dir_ / "nitro.eif", "--signing-certificate", cert("P-384")}).status, 0);
}

TEST_F(Pkcs11PinTest, NoOutputOfAnyCommandHoldsThePin) {
  const std::string encoded(kVaultPinEncoded);
  const std::string key(kVaultKey);
  // Succeeding: a signed build and its record, a signing and its record, both keygens, and
  // what verify and describe say of the results.
  RunResult build = run(with(build_with(dir_ / "app.eif", cat({kVaultKey, ";pin-value=", encoded})),
                             {"--measurements-out", dir_ / "app.json"}));
  ASSERT_EQ(build.status, 0) << build.err;
  ASSERT_EQ(run(low_level(dir_ / "plain.eif")).status, 0);
  RunResult sign =
      run({"sign", dir_ / "plain.eif", "--signing-certificate", cert("P-384"), "--private-key",
           cat({kVaultKey, "?pin-value=", encoded}), "--pkcs11-module", kModule, "--output",
           dir_ / "signed.eif", "--measurements-out", dir_ / "signed.json"});
  ASSERT_EQ(sign.status, 0) << sign.err;
  RunResult found = run({"keygen", "--private-key", cat({kVaultKey, "?PIN-VALUE=", encoded}),
                         "--signing-certificate", dir_ / "vault.pem", "--pkcs11-module", kModule});
  ASSERT_EQ(found.status, 0) << found.err;
  EXPECT_EQ(nlohmann::json::parse(found.out)["PrivateKey"], key);
  EXPECT_EQ(nlohmann::json::parse(found.out)["GeneratedInToken"], false);
  RunResult made =
      run({"keygen", "--private-key", cat({"pkcs11:token=vault;object=made;pin-value=", encoded}),
           "--signing-certificate", dir_ / "made.pem", "--curve", "P-256", "--generate-in-token",
           "--pkcs11-module", kModule});
  ASSERT_EQ(made.status, 0) << made.err;
  EXPECT_EQ(nlohmann::json::parse(made.out)["PrivateKey"], "pkcs11:token=vault;object=made");
  EXPECT_EQ(nlohmann::json::parse(made.out)["GeneratedInToken"], true);
  // Provenance signed in the token: the envelope holds the record, never the key's URI.
  RunResult provenance =
      run({"provenance", dir_ / "app.json", "--predicate", "slsa", "--signing-certificate",
           cert("P-384"), "--private-key", cat({kVaultKey, "?pin-value=", encoded}),
           "--pkcs11-module", kModule, "--output", dir_ / "app.dsse.json"});
  ASSERT_EQ(provenance.status, 0) << provenance.err;
  {
    // The payload is base64 in the envelope: look into it too.
    nlohmann::json envelope = test::read_json(dir_ / "app.dsse.json");
    auto payload = base64_decode(envelope["payload"].get<std::string>());
    ASSERT_TRUE(payload.has_value());
    expect_no_pin("app.dsse.json's payload",
                  {reinterpret_cast<const char*>(payload->data()), payload->size()});
  }
  EXPECT_EQ(run({"provenance", "verify", dir_ / "app.dsse.json", "--signing-certificate",
                 cert("P-384"), "--eif", dir_ / "app.eif"})
                .status,
            0);
  for (const char* eif : {"app.eif", "signed.eif"}) {
    EXPECT_EQ(run({"verify", dir_ / eif, "--signing-certificate", cert("P-384")}).status, 0) << eif;
    EXPECT_EQ(run({"describe", dir_ / eif}).status, 0) << eif;
  }

  // Failing: each says why in one line that shows the URI without its PIN.
  const std::string invalid = key + ": not a valid PKCS#11 URI: ";
  const std::string wrong_pin = key + ": login to token 'vault' failed: PIN incorrect";
  const std::string bad = dir_ / "bad.eif";
  expect_refused_quietly(build_with(bad, cat({kVaultKey, ";pin-value=", kWrongPinEncoded})),
                         wrong_pin);
  expect_refused_quietly(build_with(bad, cat({kVaultKey, "?PIN-VALUE=", kWrongPinEncoded})),
                         wrong_pin);
  expect_refused_quietly(
      build_with(bad, cat({kVaultKey, ";pin-value=", kVaultPin})),
      invalid + "the path has an attribute without '=' (a PIN holding ';' must write it as %3B)");
  expect_refused_quietly(
      build_with(bad, cat({kVaultKey, "?PIN-VALUE=", kVaultPin})),
      invalid + "the query has an attribute without '=' (a PIN holding '&' must write it as %26)");
  expect_refused_quietly(
      build_with(
          bad, cat({kVaultKey, "?pin-value=vQ7Alpha&kX9Bravo%3BwZ3Charlie&module-path=", kModule})),
      cat({kVaultKey, "?module-path=", kModule,
           ": not a valid PKCS#11 URI: the query has an attribute without '=' (a PIN holding '&' "
           "must write it as %26)"}));
  expect_refused_quietly(
      build_with(bad, cat({kVaultKey, ";pin-value=", encoded, "?Pin-Value=", encoded})),
      invalid + "pin-value is given twice");
  expect_refused_quietly(
      build_with(bad, cat({kVaultKey, "?pin-value=vQ7Alpha%kX9Bravo"})),
      invalid + "bad percent escape in pin-value (a PIN holding '%' must write it as %25)");
  // The keys listed, sorted: "made" (its id random) and "signer".
  RunResult nope =
      run(build_with(bad, cat({"pkcs11:token=vault;object=nope?pin-value=", encoded})));
  EXPECT_EQ(nope.status, 2);
  EXPECT_THAT(nope.err,
              ::testing::MatchesRegex(
                  "eifkit: pkcs11:token=vault;object=nope: token 'vault' has no private "
                  "key object=nope \\(its private keys: object=made;id=(%[0-9a-f]{2}){16}, "
                  "object=signer;id=%05\\)\n"));
  expect_refused_quietly(
      with(low_level(bad), {"--signing-certificate", cert("P-256"), "--private-key",
                            cat({kVaultKey, "?pin-value=", encoded}), "--pkcs11-module", kModule}),
      key + ": this private key does not belong to the certificate " + cert("P-256"));
  expect_refused_quietly(
      with(build_with(bad, cat({kVaultKey, "?pin-value=", encoded})), {"--measurements-out", bad}),
      "--measurements-out " + bad + ": is also --output (the same file); refusing to overwrite it");
  expect_refused_quietly({"sign", dir_ / "plain.eif", "--signing-certificate", cert("P-384"),
                          "--private-key", cat({kVaultKey, "?pin-value=", encoded}),
                          "--pkcs11-module", kModule, "--output", cert("P-384")},
                         cat({"--output ", cert("P-384"),
                              ": is also --signing-certificate (the same file); refusing to "
                              "overwrite it"}));
  expect_refused_quietly(
      {"sign-eif", "--eif-path", dir_ / "plain.eif", "--signing-certificate", cert("P-384"),
       "--private-key", cat({kVaultKey, ";PIN-VALUE=", kVaultPin}), "--pkcs11-module", kModule,
       "--output-file", bad},
      invalid + "the path has an attribute without '=' (a PIN holding ';' must write it as %3B)");
  expect_refused_quietly({"provenance", dir_ / "app.json", "--signing-certificate", cert("P-384"),
                          "--private-key", cat({kVaultKey, "?pin-value=", kWrongPinEncoded}),
                          "--pkcs11-module", kModule, "--output", bad},
                         wrong_pin);
  expect_refused_quietly(
      {"keygen", "--private-key", cat({kVaultKey, "?pin-value=", kWrongPinEncoded}),
       "--signing-certificate", dir_ / "bad.pem", "--pkcs11-module", kModule},
      wrong_pin);
  expect_refused_quietly(
      {"keygen", "--private-key", cat({kVaultKey, "?pin-value=", kVaultPin}),
       "--signing-certificate", dir_ / "bad.pem", "--pkcs11-module", kModule},
      invalid + "the query has an attribute without '=' (a PIN holding '&' must write it as %26)");
  EXPECT_FALSE(std::filesystem::exists(bad));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.pem"));

  // The EIFs whole (their metadata is JSON inside), the records and the certificates.
  std::vector<std::string> files = dir_.entries();
  for (const char* name : {"app.eif", "app.json", "app.dsse.json", "signed.eif", "signed.json",
                           "vault.pem", "made.pem"}) {
    EXPECT_EQ(std::count(files.begin(), files.end(), name), 1) << name;
  }
  expect_no_pin_in_any_file();
}

}  // namespace
}  // namespace eifkit
