// PCR arithmetic and the measurement JSON nitro-cli users parse, and the runtime PCRs a
// policy author computes ahead of time (PCR3, PCR4, PCR8, any file).
#include "lib/hash/measurements.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/hash/runtime_pcrs.h"
#include "lib/hash/sha384.h"
#include "lib/signing/certificate.h"
#include "lib/signing/pcr8.h"
#include "tests/support/independent_hash.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::read_json;
using test::vector_path;

std::vector<uint8_t> utf8(const std::string& s) {
  return {s.begin(), s.end()};
}

// SHA-384(48 zero bytes || data), built here without extend_pcr.
Digest384 independent_extend(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> message(48, 0);
  message.insert(message.end(), data.begin(), data.end());
  return sha384(message);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string input(const std::string& name) {
  return vector_path("eif/inputs/" + name);
}

// ---- SHA-384 and extend -----------------------------------------------------------------

TEST(Sha384, KnownAnswers) {
  EXPECT_EQ(to_hex(sha384(utf8("abc"))),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(to_hex(sha384({})),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da"
            "274edebfe76f65fbd51ad2f14898b95b");
}

TEST(Sha384, IncrementalAndCopiedStatesAgreeWithOneShot) {
  Sha384 h;
  h.update(utf8("ab"));
  Sha384 fork = h;
  h.update(utf8("c"));
  EXPECT_EQ(h.finish(), sha384(utf8("abc")));
  fork.update(utf8("d"));
  EXPECT_EQ(fork.finish(), sha384(utf8("abd")));
}

TEST(ExtendPcr, IsSha384OfZeroRegisterThenData) {
  for (const std::string& s : {std::string(), std::string("x"), std::string(1000, 'z')}) {
    EXPECT_EQ(extend_pcr(utf8(s)), independent_extend(utf8(s))) << s.size() << " bytes";
  }
}

TEST(ExtendPcr, PcrFromDigestExtendsWithTheDigestBytes) {
  Digest384 d = sha384(utf8("payload"));
  EXPECT_EQ(pcr_from_digest(d), independent_extend(std::vector<uint8_t>(d.begin(), d.end())));
}

TEST(ExtendPcr, NoApplicationRamdiskIsExtendOfTheEmptyHash) {
  // one-ramdisk.eif's PCR2.
  EXPECT_EQ(to_hex(pcr_from_digest(sha384({}))),
            read_json(vector_path("eif/one-ramdisk.build.json"))["PCR2"].get<std::string>());
}

TEST(ExtendPcr, VectorPcrsFromTheirInputs) {
  auto kernel = read_bytes(input("kernel.bin"));
  auto cmdline = read_bytes(input("cmdline.txt"));
  auto boot = read_bytes(input("ramdisk-bootstrap.bin"));
  auto app = read_bytes(input("ramdisk-app.bin"));
  std::vector<uint8_t> stack;
  for (const auto* part : {&kernel, &cmdline, &boot}) {
    stack.insert(stack.end(), part->begin(), part->end());
  }
  std::vector<uint8_t> image = stack;
  image.insert(image.end(), app.begin(), app.end());
  auto expected = read_json(vector_path("eif/two-ramdisks.build.json"));
  EXPECT_EQ(to_hex(pcr_from_digest(sha384(image))), expected["PCR0"].get<std::string>());
  EXPECT_EQ(to_hex(pcr_from_digest(sha384(stack))), expected["PCR1"].get<std::string>());
  EXPECT_EQ(to_hex(pcr_from_digest(sha384(app))), expected["PCR2"].get<std::string>());
}

// ---- measurements_json ------------------------------------------------------------------

Measurements sample() {
  Measurements m;
  m.pcr0.fill(0x00);
  m.pcr1.fill(0x1f);
  m.pcr2.fill(0xab);
  return m;
}

TEST(MeasurementsJson, ShapeWithoutPcr8) {
  nlohmann::json j = measurements_json(sample());
  ASSERT_TRUE(j.is_object());
  std::vector<std::string> keys;
  for (auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"HashAlgorithm", "PCR0", "PCR1", "PCR2"}));
  EXPECT_EQ(j["HashAlgorithm"], "Sha384 { ... }");
  EXPECT_EQ(j["PCR0"], std::string(96, '0'));
  EXPECT_EQ(j["PCR1"], to_hex(sample().pcr1));
  EXPECT_EQ(j["PCR1"].get<std::string>().substr(0, 4), "1f1f");
  EXPECT_EQ(j["PCR2"], to_hex(sample().pcr2));
}

TEST(MeasurementsJson, HexIsLowercaseAnd96Characters) {
  nlohmann::json j = measurements_json(sample());
  for (const char* key : {"PCR0", "PCR1", "PCR2"}) {
    std::string hex = j[key];
    EXPECT_EQ(hex.size(), 96u) << key;
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << key;
  }
  EXPECT_EQ(j["PCR2"],
            "abababababababababababababababababababababababababababababababababab"
            "abababababababababababababab");
}

TEST(MeasurementsJson, Pcr8OnlyWhenSet) {
  Measurements m = sample();
  EXPECT_FALSE(measurements_json(m).contains("PCR8"));
  m.pcr8 = Pcr{};
  m.pcr8->fill(0x88);
  nlohmann::json j = measurements_json(m);
  std::vector<std::string> keys;
  for (auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"HashAlgorithm", "PCR0", "PCR1", "PCR2", "PCR8"}));
  EXPECT_EQ(j["PCR8"], std::string(96, '8'));
}

TEST(MeasurementsJson, DumpsWithSortedKeys) {
  EXPECT_EQ(measurements_json(sample()).dump(), R"({"HashAlgorithm":"Sha384 { ... }","PCR0":")" +
                                                    std::string(96, '0') + R"(","PCR1":")" +
                                                    to_hex(sample().pcr1) + R"(","PCR2":")" +
                                                    to_hex(sample().pcr2) + R"("})");
}

// ---- Runtime PCRs -----------------------------------------------------------------------

TEST(RuntimePcrs, Pcr3IsExtendOfTheRoleArnWithoutInnerHash) {
  const std::string arn = "arn:aws:iam::123456789012:role/enclave-parent";
  EXPECT_EQ(pcr3_of_role_arn(arn), independent_extend(utf8(arn)));
  EXPECT_NE(pcr3_of_role_arn(arn), pcr_from_digest(sha384(utf8(arn))));
}

TEST(RuntimePcrs, Pcr3AcceptsNonAwsNamesAsUtf8) {
  // QingTian measures an IAM agency name here.
  const std::string agency = "agency-\xc3\xa9t\xc3\xa9";  // "agency-été"
  EXPECT_EQ(pcr3_of_role_arn(agency), independent_extend(utf8(agency)));
}

TEST(RuntimePcrs, Pcr4IsExtendOfTheInstanceIdWithoutInnerHash) {
  const std::string id = "i-0123456789abcdef0";
  EXPECT_EQ(pcr4_of_instance_id(id), independent_extend(utf8(id)));
  const std::string uuid = "6f1d2b4e-8c3a-4f5e-9b7d-1a2b3c4d5e6f";
  EXPECT_EQ(pcr4_of_instance_id(uuid), independent_extend(utf8(uuid)));
}

TEST(RuntimePcrs, PcrOfFileIsExtendOfTheFilesHash) {
  EXPECT_EQ(to_hex(pcr_of_file(input("kernel.bin"))), test::python_pcr_hex({input("kernel.bin")}));
}

TEST(RuntimePcrs, PcrOfEmptyFileIsExtendOfTheEmptyHash) {
  EXPECT_EQ(to_hex(pcr_of_file(input("ramdisk-empty.bin"))),
            read_json(vector_path("eif/one-ramdisk.build.json"))["PCR2"].get<std::string>());
}

TEST(RuntimePcrs, PcrOfFileLargerThanOneReadChunk) {
  test::ScratchDir dir;
  std::vector<uint8_t> big((5 << 20) / 2 + 7);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i ^ (i >> 11));
  test::write_bytes(dir / "big.bin", big);
  EXPECT_EQ(to_hex(pcr_of_file(dir / "big.bin")), test::python_pcr_hex({dir / "big.bin"}));
}

TEST(RuntimePcrs, PcrOfMissingFile) {
  test::ScratchDir dir;
  std::string path = dir / "absent.bin";
  EXPECT_EQ(error_of([&] { pcr_of_file(path); }),
            path + ": cannot open: No such file or directory");
}

TEST(RuntimePcrs, Pcr8OfTheVectorSigningCertificate) {
  const std::string pem = input("signing-cert.pem");
  auto expected = read_json(vector_path("eif/signed.build.json"))["PCR8"].get<std::string>();
  EXPECT_EQ(to_hex(pcr8_of_certificate_file(pem)), expected);
  // It measures the DER bytes (as openssl x509 writes them), not the PEM text.
  test::ScratchDir dir;
  test::tool_output({"openssl", "x509", "-in", pem, "-outform", "DER", "-out", dir / "cert.der"});
  EXPECT_EQ(to_hex(pcr8_of_certificate_file(pem)), test::python_pcr_hex({dir / "cert.der"}));
  EXPECT_NE(to_hex(pcr8_of_certificate_file(pem)), test::python_pcr_hex({pem}));
}

TEST(RuntimePcrs, Pcr8DerIsTheReferenceReadersCertificate) {
  auto der = certificate_der_from_pem_file(input("signing-cert.pem"));
  auto expected = read_json(
      vector_path("eif/signed.describe.json"))["SignatureVerify"]["Certificate"]["DerSha384"];
  EXPECT_EQ(to_hex(sha384(der)), expected.get<std::string>());
  ASSERT_GE(der.size(), 2u);
  EXPECT_EQ(der[0], 0x30);  // a DER SEQUENCE
}

TEST(RuntimePcrs, EmptyRoleArnIsRefused) {
  EXPECT_EQ(error_of([] { pcr3_of_role_arn(""); }),
            "--role-arn: '' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
}

TEST(RuntimePcrs, RoleArnWithWhitespaceIsRefused) {
  EXPECT_EQ(error_of([] { pcr3_of_role_arn("arn:aws:iam::1:role/a b"); }),
            "--role-arn: 'arn:aws:iam::1:role/a b' is not a role ARN "
            "(arn:aws:iam::ACCOUNT:role/NAME)");
  EXPECT_EQ(error_of([] { pcr3_of_role_arn("arn:aws:iam::1:role/a\n"); }),
            "--role-arn: 'arn:aws:iam::1:role/a\n' is not a role ARN "
            "(arn:aws:iam::ACCOUNT:role/NAME)");
}

TEST(RuntimePcrs, EmptyInstanceIdIsRefused) {
  EXPECT_EQ(error_of([] { pcr4_of_instance_id(""); }), "--instance-id: '' is not an instance ID");
  EXPECT_EQ(error_of([] { pcr4_of_instance_id("i-1\t"); }),
            "--instance-id: 'i-1\t' is not an instance ID");
}

TEST(RuntimePcrs, NonPemCertificateFileIsRefused) {
  const std::string not_pem = input("cmdline.txt");
  EXPECT_EQ(error_of([&] { pcr8_of_certificate_file(not_pem); }),
            not_pem + ": not a PEM X.509 certificate");
  // A PEM file holding a private key is not a certificate either.
  const std::string key = input("signing-key.pem");
  EXPECT_EQ(error_of([&] { pcr8_of_certificate_file(key); }),
            key + ": not a PEM X.509 certificate");
}

TEST(RuntimePcrs, MissingCertificateFile) {
  test::ScratchDir dir;
  std::string path = dir / "absent.pem";
  EXPECT_EQ(error_of([&] { pcr8_of_certificate_file(path); }),
            path + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace eifkit
