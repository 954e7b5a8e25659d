// The promises of issue 10 a user relies on: damaged images refused before use, messages that
// name the command, flag or file (and eifkit's spelling of nitro-cli's), records that are never
// stale, whole key policies AWS accepts. Each bad case: exact message, status, no file written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using testing::HasSubstr;
using testing::StartsWith;

std::string vector_eif(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}

// A copy of a vector EIF with one byte of its kernel flipped: the CRC no longer matches.
std::string damaged_copy(const ScratchDir& dir) {
  auto bytes = test::read_bytes(vector_eif("two-ramdisks"));
  bytes[bytes.size() / 2] ^= 0x01;
  std::string path = dir / "damaged.eif";
  test::write_bytes(path, bytes);
  return path;
}

void expect_error(const RunResult& r, const std::string& message, int status = 2) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

TEST(DamagedImage, ExtractRefusesItAndWritesNothing) {
  ScratchDir dir;
  std::string eif = damaged_copy(dir);
  RunResult r = run_eifkit({"extract", eif, "--output", dir / "parts"});
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, StartsWith("eifkit: " + eif + ": CRC mismatch (header 0x"));
  EXPECT_THAT(r.err, HasSubstr("the image is damaged; nothing extracted (--no-verify"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"damaged.eif"});
  RunResult forced = run_eifkit({"extract", eif, "--output", dir / "parts", "--no-verify"});
  EXPECT_EQ(forced.status, 0) << forced.err;
}

TEST(DamagedImage, RunRefusesItBeforeLookingForQemu) {
  ScratchDir dir;
  std::string eif = damaged_copy(dir);
  RunResult r = run_eifkit({"run", eif, "--qemu", dir / "no-such-qemu"});
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.err, HasSubstr("the image is damaged; not booting it (--no-verify boots it"));
  RunResult forced = run_eifkit({"run", eif, "--qemu", dir / "no-such-qemu", "--no-verify"});
  EXPECT_EQ(forced.status, 2);
  EXPECT_THAT(forced.err, HasSubstr("no-such-qemu not found"));
}

TEST(CommandLine, UnknownCommandListsTheCommands) {
  expect_error(run_eifkit({"frobnicate"}),
               "unknown command 'frobnicate'; the commands are: build, describe, pcr, keygen, "
               "sign, verify, extract, run, policy, provenance, attestation, diff, ls, "
               "build-enclave, describe-eif, sign-eif");
  expect_error(run_eifkit({"policy", "frob"}),
               "unknown policy command 'frob'; the policy commands are: aws, huawei, check");
}

TEST(CommandLine, NitroCliCommandsEifkitLacksGetTheirEifkitSpelling) {
  expect_error(run_eifkit({"run-enclave", "--eif-path", "x.eif"}),
               "unknown command 'run-enclave': that is nitro-cli's; with eifkit: eifkit run "
               "app.eif (boots it in QEMU)");
  // build-enclave, describe-eif and sign-eif are eifkit commands (cli_nitro_cli_test.cpp).
  expect_error(run_eifkit({"describe-eif"}), "--eif-path is required");
}

TEST(CommandLine, UnknownFlagsAreNamedBeforeMissingRequirements) {
  expect_error(run_eifkit({"build", "--image", "app.tar", "--output-file", "app.eif"}),
               "unknown option '--output-file' for 'eifkit build': that is nitro-cli's; use "
               "--output (see eifkit build --help)");
  RunResult docker = run_eifkit({"build", "--docker-uri", "app:1", "--output", "a.eif"});
  EXPECT_EQ(docker.status, 2) << docker.err;
  EXPECT_EQ(docker.out, "");
  EXPECT_THAT(docker.err, StartsWith("eifkit: unknown option '--docker-uri' for 'eifkit build': "
                                     "that is nitro-cli's; eifkit needs no Docker daemon"));
  expect_error(run_eifkit({"describe", "--eif-path", "x.eif"}),
               "unknown option '--eif-path' for 'eifkit describe': that is nitro-cli's; give "
               "the EIF as the command's argument, e.g. eifkit describe app.eif (see eifkit "
               "describe --help)");
  expect_error(run_eifkit({"describe", "--frobnicate"}),
               "unknown option '--frobnicate' for 'eifkit describe' (see eifkit describe --help)");
}

TEST(CommandLine, NoInternalArgumentNames) {
  expect_error(run_eifkit({"describe"}),
               "eifkit describe needs EIF (EIF file); see eifkit describe --help");
  expect_error(run_eifkit({"policy", "aws"}),
               "eifkit policy aws needs RECORDS (build records (JSON) or EIF files; several "
               "merge); see eifkit policy aws --help");
  ScratchDir dir;
  expect_error(run_eifkit({"provenance", dir / "none.json"}),
               dir / "none.json" + ": cannot open: No such file or directory");
  expect_error(run_eifkit({"policy", "aws", dir / "none.json"}),
               dir / "none.json" + ": no such file");
  expect_error(run_eifkit({}),
               "a command is required; the commands are: build, describe, pcr, "
               "keygen, sign, verify, extract, run, policy, provenance, attestation, diff, ls, "
               "build-enclave, describe-eif, sign-eif (see eifkit --help)");
}

TEST(CommandLine, FlagValuesThatLookLikeWordsAreNotCommands) {
  // "--cmd run" is a value, not the run command; the build goes on to its own checks.
  // An exit status of its own and its message, so that a crash (128 + signal) cannot pass.
  expect_error(run_eifkit({"build", "--cmd", "run", "--output", "/nonexistent/x.eif"}),
               "build needs --image, --rootfs-tar, or --kernel with --ramdisk");
}

TEST(Policy, DocumentNeedsAPrincipalAndAdminsGetTheirStatement) {
  std::string eif = vector_eif("two-ramdisks");
  expect_error(run_eifkit({"policy", "aws", eif, "--document"}),
               "--document needs --principal ARN: AWS rejects a key policy statement without a "
               "principal");
  expect_error(run_eifkit({"policy", "aws", eif, "--admin", "arn:aws:iam::1:role/admin"}),
               "--admin goes with --document");
  RunResult r = run_eifkit({"policy", "aws", eif, "--document", "--principal",
                            "arn:aws:iam::1:role/app", "--admin", "arn:aws:iam::1:role/admin"});
  ASSERT_EQ(r.status, 0) << r.err;
  json doc = json::parse(r.out);
  ASSERT_EQ(doc["Statement"].size(), 2u);
  const json& admin = doc["Statement"][0];
  EXPECT_EQ(admin["Sid"], "KeyAdministration");
  EXPECT_EQ(admin["Principal"]["AWS"], "arn:aws:iam::1:role/admin");
  EXPECT_EQ(admin["Resource"], "*");
  for (const json& action : admin["Action"]) EXPECT_NE(action, "kms:Decrypt");
  EXPECT_EQ(doc["Statement"][1]["Principal"]["AWS"], "arn:aws:iam::1:role/app");
}

TEST(Policy, EffectInAnyCase) {
  std::string eif = vector_eif("two-ramdisks");
  RunResult r = run_eifkit({"policy", "aws", eif, "--effect", "Deny"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)[0]["Effect"], "Deny");
  EXPECT_EQ(run_eifkit({"policy", "aws", eif, "--effect", "ALLOW"}).status, 0);
}

struct Signing {
  ScratchDir dir;
  std::string key = dir / "signer.key", cert = dir / "signer.pem";
  Signing() {
    RunResult r = run_eifkit({"keygen", "--private-key", key, "--signing-certificate", cert});
    EXPECT_EQ(r.status, 0) << r.err;
  }
  std::string copy_of(const std::string& name) {
    std::string path = dir / (name + ".eif");
    test::write_bytes(path, test::read_bytes(vector_eif(name)));
    return path;
  }
};

TEST(SignRecord, MeasurementsOutDescribesTheSignedImage) {
  Signing s;
  std::string eif = s.copy_of("two-ramdisks");
  std::string record = s.dir / "signed.json";
  RunResult r = run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                            "--measurements-out", record});
  ASSERT_EQ(r.status, 0) << r.err;
  json rec = test::read_json(record);
  json printed = json::parse(r.out);
  EXPECT_EQ(rec["Measurements"]["PCR8"], printed["Measurements"]["PCR8"]);
  EXPECT_EQ(rec["Measurements"]["PCR0"], printed["Measurements"]["PCR0"]);
  EXPECT_EQ(rec["Eif"]["Path"], eif);
  EXPECT_FALSE(rec["Signer"].is_null());
  EXPECT_EQ(run_eifkit({"provenance", record}).status, 0);
}

TEST(SignRecord, BadRecordPathLeavesTheImageAsItWas) {
  Signing s;
  std::string eif = s.copy_of("two-ramdisks");
  auto before = test::read_bytes(eif);
  RunResult r = run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                            "--measurements-out", s.dir / "nodir/rec.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("nodir/rec.json"));
  EXPECT_EQ(test::read_bytes(eif), before);
}

TEST(SignRecord, OutputNamingAnInputIsRefused) {
  Signing s;
  std::string eif = s.copy_of("two-ramdisks");
  auto cert_before = test::read_bytes(s.cert);
  expect_error(run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                           "--output", s.cert}),
               "--output " + s.cert +
                   ": is also --signing-certificate (the same file); refusing to overwrite it");
  EXPECT_EQ(test::read_bytes(s.cert), cert_before);
  expect_error(
      run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                  "--measurements-out", eif}),
      "--measurements-out " + eif + ": is also the EIF (the same file); refusing to overwrite it");
  // --output naming the EIF itself is signing in place.
  EXPECT_EQ(run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                        "--output", eif})
                .status,
            0);
}

TEST(AttestRecord, StaleRecordRefused) {
  Signing s;
  std::string eif = s.copy_of("two-ramdisks");
  std::string record = s.dir / "old.json";
  ASSERT_EQ(run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key,
                        "--measurements-out", record})
                .status,
            0);
  // Re-signed without a new record: the old one names bytes that are gone.
  ASSERT_EQ(
      run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", s.key}).status, 0);
  RunResult r = run_eifkit({"provenance", record, "--output", s.dir / "statement.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, StartsWith("eifkit: " + record +
                                ": is stale: it records an EIF with "
                                "SHA-384 "));
  EXPECT_THAT(r.err, HasSubstr("but " + eif + " has "));
  RunResult other = run_eifkit({"provenance", record, "--eif", vector_eif("two-ramdisks")});
  EXPECT_EQ(other.status, 2);
  EXPECT_THAT(other.err, HasSubstr("is stale"));
  EXPECT_EQ(s.dir.entries(),
            (std::vector<std::string>{"old.json", "signer.key", "signer.pem", "two-ramdisks.eif"}));
}

TEST(Keygen, TwoNamesForOneFileRefused) {
  ScratchDir dir;
  expect_error(run_eifkit({"keygen", "--private-key", dir / "k.pem", "--signing-certificate",
                           dir.path() + "/./k.pem"}),
               "--signing-certificate " + dir.path() +
                   "/./k.pem: is also --private-key (the same file); refusing to overwrite it");
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace eifkit

namespace eifkit {
namespace {

TEST(KernelCheck, ATarOrTextGivenAsKernelIsRefused) {
  ScratchDir dir;
  std::string tar = test::testdata_path("sample-image.tar");
  std::string out = dir / "app.eif";
  expect_error(run_eifkit({"build", "--kernel", tar, "--ramdisk",
                           vector_path("eif/inputs/ramdisk-app.bin"), "--output", out}),
               tar +
                   ": is a tar archive (a container image or root filesystem goes to --image or "
                   "--rootfs-tar), not a kernel: give an x86_64 bzImage or an arm64 Image (or "
                   "Image.gz)");
  std::string text = dir / "kernel.txt";
  test::write_bytes(text, {'h', 'i', '\n'});
  RunResult r = run_eifkit({"build", "--image", tar, "--kernel", text, "--init",
                            vector_path("ramdisk/init.bin"), "--output", out});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + text +
                       ": is text, not a kernel: give an x86_64 bzImage or an arm64 Image (or "
                       "Image.gz)\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"kernel.txt"});
}

}  // namespace
}  // namespace eifkit

namespace eifkit {
namespace {

TEST(PolicyCheck, ATarGivenAsPolicyOrRecordIsNamed) {
  std::string tar = test::testdata_path("sample-image.tar");
  std::string eif = vector_eif("two-ramdisks");
  expect_error(run_eifkit({"policy", "check", "--policy", tar, "--eif", eif}),
               tar +
                   ": not a policy (an AWS key policy or a Huawei IAM policy, JSON): it is a tar "
                   "archive");
  expect_error(run_eifkit({"policy", "aws", tar}),
               tar + ": not a build record or an EIF: it is a tar archive");
}

}  // namespace
}  // namespace eifkit

namespace eifkit {
namespace {

// A mistyped image is the first thing to hear about, not the boot files that are missing too.
TEST(ImageBuild, MissingImageReportedBeforeMissingBootFiles) {
  ScratchDir dir;
  expect_error(run_eifkit({"build", "--image", dir / "app.tar", "--blobs", dir / "no-blobs",
                           "--output", dir / "app.eif"}),
               dir / "app.tar" + ": cannot open: No such file or directory");
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace eifkit

namespace eifkit {
namespace {

// A KMS key ARN where a PEM file goes: the two-step recipe with `aws kms sign`, in both
// commands that sign, and nothing written.
TEST(KmsKeyArn, BuildAndSignExplainTwoStepSigning) {
  Signing s;
  std::string eif = s.copy_of("two-ramdisks");
  auto before = test::read_bytes(eif);
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/abc";
  const std::string message =
      "--private-key " + arn +
      ": eifkit does not call AWS KMS; sign in two steps: `eifkit sign app.eif "
      "--signing-certificate cert.pem --export-payload payload.bin`, then `aws kms sign --key-id " +
      arn +
      " --message-type DIGEST --signing-algorithm ECDSA_SHA_384 --message "
      "fileb://payload.bin.sha384 --query Signature --output text | base64 -d > sig.der`, then "
      "`eifkit sign app.eif --signing-certificate cert.pem --signature sig.der` (eifkit-sign(1))";
  expect_error(run_eifkit({"sign", eif, "--signing-certificate", s.cert, "--private-key", arn}),
               message);
  EXPECT_EQ(test::read_bytes(eif), before);
  expect_error(run_eifkit({"build", "--kernel", vector_path("eif/inputs/kernel.bin"), "--ramdisk",
                           vector_path("eif/inputs/ramdisk-app.bin"), "--output", s.dir / "new.eif",
                           "--signing-certificate", s.cert, "--private-key", arn}),
               message);
  EXPECT_EQ(s.dir.entries(),
            (std::vector<std::string>{"signer.key", "signer.pem", "two-ramdisks.eif"}));
}

}  // namespace
}  // namespace eifkit

namespace eifkit {
namespace {

// A P-384 key and a self-signed certificate valid only from ten years from now, written as
// PEM files: what `keygen` never makes, for the warning about a certificate not valid now.
void write_future_certificate(const std::string& key_path, const std::string& cert_path) {
  EVP_PKEY* key = EVP_EC_gen("P-384");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 10L * 365 * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), 11L * 365 * 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("future"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  ASSERT_GT(X509_sign(cert, key, EVP_sha384()), 0);
  FILE* k = std::fopen(key_path.c_str(), "w");
  FILE* c = std::fopen(cert_path.c_str(), "w");
  PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_X509(c, cert);
  std::fclose(k);
  std::fclose(c);
  X509_free(cert);
  EVP_PKEY_free(key);
}

TEST(CertificateWarning, SignWarnsAndSignsWithACertificateNotYetValid) {
  ScratchDir dir;
  std::string key = dir / "future.key", cert = dir / "future.pem";
  write_future_certificate(key, cert);
  std::string eif = dir / "app.eif";
  test::write_bytes(eif, test::read_bytes(vector_eif("two-ramdisks")));
  RunResult r = run_eifkit({"sign", eif, "--signing-certificate", cert, "--private-key", key});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, StartsWith("eifkit: warning: " + cert +
                                ": the signing certificate is not valid before "));
  EXPECT_THAT(r.err, HasSubstr("; signing anyway (verifiers checking its validity will refuse "
                               "the image)\n"));
  EXPECT_NE(json::parse(r.out)["Measurements"]["PCR8"], nullptr);
}

}  // namespace
}  // namespace eifkit
