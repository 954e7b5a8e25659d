// One vocabulary across commands: every old spelling of a renamed flag or command still works,
// is hidden from --help, and says once on stderr what to write instead. And the hints that
// name another command or algorithm name the right one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;

std::string vector_eif(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}

std::string note(const std::string& text) {
  return "eifkit: note: " + text + "\n";
}

// A key and self-signed certificate on `curve`, made with the current spellings.
struct Identity {
  ScratchDir dir;
  std::string key = dir / "signer.key", cert = dir / "signer.pem";
  explicit Identity(const std::string& curve = "P-384") {
    RunResult r = run_eifkit(
        {"keygen", "--private-key", key, "--signing-certificate", cert, "--curve", curve});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
  }
  std::string copy_of(const std::string& name) {
    std::string path = dir / (name + ".eif");
    test::write_bytes(path, test::read_bytes(vector_eif(name)));
    return path;
  }
};

TEST(OldSpellings, AttestIsProvenance) {
  ScratchDir dir;
  RunResult current = run_eifkit({"provenance", vector_eif("two-ramdisks")});
  ASSERT_EQ(current.status, 0) << current.err;
  EXPECT_EQ(current.err, "");
  RunResult old = run_eifkit({"attest", vector_eif("two-ramdisks")});
  ASSERT_EQ(old.status, 0) << old.err;
  EXPECT_EQ(old.out, current.out);
  EXPECT_EQ(old.err, note("attest is now provenance; attest will go"));
  // Its old --out too: one note for each old spelling.
  RunResult both = run_eifkit({"attest", vector_eif("two-ramdisks"), "--out", dir / "a.json"});
  ASSERT_EQ(both.status, 0) << both.err;
  EXPECT_EQ(both.err, note("attest is now provenance; attest will go") +
                          note("attest --out is now --output; --out will go"));
  RunResult out = run_eifkit({"provenance", vector_eif("two-ramdisks"), "--out", dir / "b.json"});
  ASSERT_EQ(out.status, 0) << out.err;
  EXPECT_EQ(out.err, note("provenance --out is now --output; --out will go"));
  EXPECT_EQ(test::read_bytes(dir / "a.json"), test::read_bytes(dir / "b.json"));
  EXPECT_EQ(json::parse(current.out), test::read_json(dir / "b.json"));
}

TEST(OldSpellings, ExtractOutIsOutput) {
  ScratchDir dir;
  RunResult r = run_eifkit({"extract", vector_eif("two-ramdisks"), "--out", dir / "parts"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, note("extract --out is now --output; --out will go"));
  EXPECT_TRUE(std::filesystem::exists(dir / "parts/kernel"));
  RunResult none = run_eifkit({"extract", vector_eif("two-ramdisks")});
  EXPECT_EQ(none.err, "eifkit: extract needs --output DIR or --list\n");
}

TEST(OldSpellings, CertificateIsSigningCertificate) {
  Identity id;
  std::string eif = id.copy_of("two-ramdisks");
  RunResult sign = run_eifkit({"sign", eif, "--certificate", id.cert, "--private-key", id.key});
  ASSERT_EQ(sign.status, 0) << sign.err;
  EXPECT_EQ(sign.err,
            note("sign --certificate is now --signing-certificate; --certificate will go"));
  RunResult verify = run_eifkit({"verify", eif, "--certificate", id.cert});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.err,
            note("verify --certificate is now --signing-certificate; --certificate will go"));
  RunResult keygen = run_eifkit(
      {"keygen", "--private-key", id.dir / "k2.key", "--certificate", id.dir / "c2.pem"});
  ASSERT_EQ(keygen.status, 0) << keygen.err;
  EXPECT_EQ(keygen.err,
            note("keygen --certificate is now --signing-certificate; --certificate will go"));
  // The old spelling is checked as the new one is.
  RunResult missing = run_eifkit({"verify", eif, "--certificate", id.dir / "absent.pem"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "eifkit: " + (id.dir / "absent.pem") + ": no such file (--certificate)\n");
}

TEST(OldSpellings, PlatformIsEncodingInTheAttestationCommands) {
  const std::string doc = vector_path("verdicts/attestation/nonce-doc.cbor");
  const std::string root = vector_path("verdicts/attestation/test-root-c.pem");
  RunResult current = run_eifkit(
      {"attestation", "verify", doc, "--root", root, "--at", "doc", "--encoding", "nitro"});
  EXPECT_EQ(current.status, 0) << current.out << current.err;
  EXPECT_EQ(current.err, "");
  RunResult old = run_eifkit(
      {"attestation", "verify", doc, "--root", root, "--at", "doc", "--platform", "nitro"});
  EXPECT_EQ(old.status, 0) << old.out << old.err;
  EXPECT_EQ(old.out, current.out);
  EXPECT_EQ(old.err, note("attestation verify --platform is now --encoding; --platform will go"));
  RunResult bad = run_eifkit({"attestation", "verify", doc, "--platform", "sgx"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
}

TEST(OldSpellings, BothSpellingsOfOneFlagAreRefused) {
  ScratchDir dir;
  RunResult r = run_eifkit(
      {"extract", vector_eif("two-ramdisks"), "--out", dir / "a", "--output", dir / "b"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "eifkit: --output and --out are one flag (--out is its old spelling): give --output "
            "once\n");
  EXPECT_TRUE(dir.entries().empty());
}

TEST(OldSpellings, HelpShowsOnlyTheCurrentSpellings) {
  RunResult top = run_eifkit({"--help"});
  EXPECT_NE(top.out.find("  provenance "), std::string::npos);
  EXPECT_EQ(top.out.find("  attest "), std::string::npos);
  for (const auto& [command, old_flag] :
       std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"provenance"}, "--out "},
           {{"extract"}, "--out "},
           {{"sign"}, "--certificate"},
           {{"verify"}, "--certificate"},
           {{"keygen"}, "--certificate"},
           {{"attestation", "verify"}, "--platform"},
           {{"policy", "check"}, "--platform"}}) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    RunResult help = run_eifkit(args);
    EXPECT_EQ(help.status, 0) << command[0];
    // " --certificate" is not part of " --signing-certificate".
    EXPECT_EQ(help.out.find(" " + old_flag), std::string::npos) << command[0] << help.out;
  }
  RunResult unknown = run_eifkit({"nosuch"});
  EXPECT_EQ(unknown.err,
            "eifkit: unknown command 'nosuch'; the commands are: build, describe, pcr, keygen, "
            "sign, verify, extract, run, policy, provenance, attestation, diff, ls, "
            "build-enclave, describe-eif, sign-eif\n");
}

// nitro-cli's --input: the hint names a command that takes the file as its argument.
TEST(Hints, NitroCliInputNamesACommandThatWorks) {
  RunResult r = run_eifkit({"describe", "--input", vector_eif("two-ramdisks")});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            "eifkit: unknown option '--input' for 'eifkit describe': that is nitro-cli's; give "
            "the file as the command's argument, e.g. eifkit describe app.eif (only eifkit pcr "
            "takes --input FILE) (see eifkit describe --help)\n");
  RunResult hinted = run_eifkit({"describe", vector_eif("two-ramdisks")});
  EXPECT_EQ(hinted.status, 0) << hinted.err;
}

// The two-step KMS recipe names the algorithm and digest file of the certificate's curve.
TEST(Hints, KmsRecipeFollowsTheCertificatesCurve) {
  const std::string arn = "arn:aws:kms:us-east-1:111122223333:key/abc";
  for (const auto& [curve, bits] : std::vector<std::pair<std::string, std::string>>{
           {"P-256", "256"}, {"P-384", "384"}, {"P-521", "512"}}) {
    Identity id(curve);
    std::string eif = id.copy_of("two-ramdisks");
    RunResult r = run_eifkit({"sign", eif, "--signing-certificate", id.cert, "--private-key", arn});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err,
              "eifkit: --private-key " + arn +
                  ": eifkit does not call AWS KMS; sign in two steps: `eifkit sign app.eif "
                  "--signing-certificate cert.pem --export-payload payload.bin`, then `aws kms "
                  "sign --key-id " +
                  arn + " --message-type DIGEST --signing-algorithm ECDSA_SHA_" + bits +
                  " --message fileb://payload.bin.sha" + bits +
                  " --query Signature --output text | base64 -d > sig.der`, then `eifkit sign "
                  "app.eif --signing-certificate cert.pem --signature sig.der` (eifkit-sign(1))\n")
        << curve;
    // The digest file step 1 writes has that suffix.
    RunResult step1 = run_eifkit({"sign", eif, "--signing-certificate", id.cert, "--export-payload",
                                  id.dir / "payload.bin"});
    ASSERT_EQ(step1.status, 0) << step1.err;
    EXPECT_EQ(json::parse(step1.out)["DigestFile"], id.dir / "payload.bin" + ".sha" + bits);
  }
}

}  // namespace
}  // namespace eifkit
