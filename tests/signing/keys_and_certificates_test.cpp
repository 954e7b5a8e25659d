// The OpenSSL side of signing: the vector certificate as nitro-cli describes and measures it,
// keys and self-signed certificates on every supported curve, raw r‖s signatures checked
// against the openssl CLI, and the keys and certificates eifkit refuses.
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/ecdsa_signature.h"
#include "lib/signing/private_key.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/hash/measurements.h"
#include "lib/hash/sha384.h"
#include "lib/signing/certificate.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::error_of;
using test::read_bytes;
using test::read_json;
using test::run_tool;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

constexpr const char* kSupported = "eifkit signs with P-256, P-384 or P-521 keys";
constexpr const char* kSubject = "/C=US/O=Example/CN=enclave-signer";

std::string vector_cert() {
  return vector_path("eif/inputs/signing-cert.pem");
}
std::string vector_key() {
  return vector_path("eif/inputs/signing-key.pem");
}

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

std::string text(const std::vector<uint8_t>& b) {
  return {b.begin(), b.end()};
}

std::time_t utc(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return timegm(&tm);
}

// 2030-01-01T00:00:00Z: a fixed start for generated certificates.
const std::time_t kStart = utc(2030, 1, 1, 0, 0, 0);

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

std::unique_ptr<X509, X509Free> parse_x509(const std::vector<uint8_t>& pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<X509, X509Free>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Raw r‖s back to DER, independently of the library, for the openssl CLI.
std::vector<uint8_t> der_of(const std::vector<uint8_t>& raw) {
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  int half = static_cast<int>(raw.size() / 2);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(raw.data(), half, nullptr),
                 BN_bin2bn(raw.data() + half, half, nullptr));
  std::vector<uint8_t> der(static_cast<size_t>(i2d_ECDSA_SIG(sig.get(), nullptr)));
  unsigned char* p = der.data();
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

std::vector<uint8_t> flip_bit(std::vector<uint8_t> b, size_t index) {
  b[index] ^= 0x01;
  return b;
}

// ---- the vector certificate and key ---------------------------------------------------------

TEST(SigningCryptoVector, DescribeMatchesNitroCliSigningCertificate) {
  auto expected = read_json(vector_path("eif/signed.describe.json"))["SigningCertificate"];
  Certificate cert = Certificate::from_pem_file(vector_cert());
  EXPECT_EQ(cert.describe(), expected);
  EXPECT_EQ(cert.describe().dump(), expected.dump());
}

TEST(SigningCryptoVector, DerExtendsToTheVectorPcr8) {
  Certificate cert = Certificate::from_pem_file(vector_cert());
  auto expected = read_json(vector_path("eif/signed.build.json"))["PCR8"].get<std::string>();
  EXPECT_EQ(to_hex(pcr_from_digest(sha384(cert.der()))), expected);
  EXPECT_EQ(cert.der(), certificate_der_from_pem_file(vector_cert()));
}

TEST(SigningCryptoVector, IdentityFacts) {
  Certificate cert = Certificate::from_pem_file(vector_cert());
  auto facts = read_json(vector_path("eif/signed.describe.json"))["SignatureVerify"]["Certificate"];
  EXPECT_EQ(cert.sha256_fingerprint(), facts["DerSha256"].get<std::string>());
  EXPECT_EQ(cert.subject(), "CN=vector-signer,O=eifkit test vectors,C=US");
  EXPECT_EQ(cert.pem(), read_bytes(vector_cert()));
  EXPECT_EQ(cert.origin(), vector_cert());
  EXPECT_EQ(cert.curve(), Curve::kP384);
}

TEST(SigningCryptoVector, KeyMatchesCertificateAndSignsForIt) {
  Certificate cert = Certificate::from_pem_file(vector_cert());
  PrivateKey key = PrivateKey::from_pem_file(vector_key());
  EXPECT_EQ(key.curve(), Curve::kP384);
  EXPECT_TRUE(key.matches(cert));
  auto digest = digest_for_curve(Curve::kP384, bytes("payload"));
  auto signature = key.sign_digest(digest);
  EXPECT_EQ(signature.size(), 96u);
  EXPECT_TRUE(cert.verify_digest(digest, signature));
}

TEST(SigningCryptoVector, ValidityWindowIsInclusive) {
  Certificate cert = Certificate::from_pem_file(vector_cert());
  const std::time_t not_before = utc(2026, 11, 22, 22, 43, 31);
  const std::time_t not_after = utc(2126, 10, 29, 22, 43, 31);
  EXPECT_FALSE(cert.valid_at(not_before - 1));
  EXPECT_TRUE(cert.valid_at(not_before));
  EXPECT_TRUE(cert.valid_at(utc(2050, 6, 1, 12, 0, 0)));
  EXPECT_TRUE(cert.valid_at(not_after));
  EXPECT_FALSE(cert.valid_at(not_after + 1));
}

TEST(SigningCryptoVector, CertificateDerFromPemKeepsItsMessage) {
  EXPECT_EQ(error_of([] { certificate_der_from_pem(bytes("hello"), "ORIGIN"); }),
            "ORIGIN: not a PEM X.509 certificate");
}

// ---- every supported curve ------------------------------------------------------------------

class SigningCryptoCurve : public testing::TestWithParam<Curve> {};

TEST_P(SigningCryptoCurve, GenerateSelfSignSignVerify) {
  const Curve c = GetParam();
  PrivateKey key = PrivateKey::generate(c);
  EXPECT_EQ(key.curve(), c);
  Certificate cert =
      Certificate::from_pem(key.self_signed_certificate(kSubject, 30, kStart), "gen");
  EXPECT_EQ(cert.curve(), c);
  EXPECT_TRUE(key.matches(cert));
  EXPECT_EQ(cert.subject(), "CN=enclave-signer,O=Example,C=US");

  auto digest = digest_for_curve(c, bytes("register 0"));
  ASSERT_EQ(digest.size(), curve_digest_size(c));
  auto signature = key.sign_digest(digest);
  ASSERT_EQ(signature.size(), 2 * curve_coordinate_size(c));
  EXPECT_TRUE(cert.verify_digest(digest, signature));
  // ECDSA is randomised: a second signature differs and verifies too.
  auto again = key.sign_digest(digest);
  EXPECT_NE(again, signature);
  EXPECT_TRUE(cert.verify_digest(digest, again));

  for (size_t i : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
    EXPECT_FALSE(cert.verify_digest(digest, flip_bit(signature, i))) << "bit flipped at " << i;
  }
  EXPECT_FALSE(cert.verify_digest(flip_bit(digest, 5), signature));
  EXPECT_FALSE(
      cert.verify_digest(digest, std::vector<uint8_t>(signature.begin() + 1, signature.end())));
  EXPECT_FALSE(cert.verify_digest(digest, der_of(signature)));  // raw only
  EXPECT_FALSE(
      cert.verify_digest(std::vector<uint8_t>(digest.begin(), digest.end() - 1), signature));
  // Another key of the same curve neither matches nor verifies.
  PrivateKey other = PrivateKey::generate(c);
  EXPECT_FALSE(other.matches(cert));
  EXPECT_FALSE(cert.verify_digest(digest, other.sign_digest(digest)));
}

TEST_P(SigningCryptoCurve, SelfSignedCertificateFields) {
  const Curve c = GetParam();
  PrivateKey key = PrivateKey::generate(c);
  auto pem = key.self_signed_certificate(kSubject, 30, kStart);
  auto x509 = parse_x509(pem);
  ASSERT_TRUE(x509);
  EXPECT_EQ(X509_get_version(x509.get()), X509_VERSION_3);
  EXPECT_EQ(ASN1_STRING_length(X509_get0_serialNumber(x509.get())), 16);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x509.get()), X509_get_issuer_name(x509.get())), 0);
  int bc = X509_get_ext_by_NID(x509.get(), NID_basic_constraints, -1);
  ASSERT_GE(bc, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(x509.get(), bc)), 1);
  EXPECT_GE(X509_check_ca(x509.get()), 1);
  EXPECT_NE(X509_get0_subject_key_id(x509.get()), nullptr);
  const int expected_nid[] = {NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384, NID_ecdsa_with_SHA512};
  EXPECT_EQ(X509_get_signature_nid(x509.get()), expected_nid[static_cast<int>(c)]);

  Certificate cert = Certificate::from_pem(pem, "gen");
  const char* algorithm[] = {"ecdsa-with-SHA256", "ecdsa-with-SHA384", "ecdsa-with-SHA512"};
  EXPECT_EQ(cert.describe()["Algorithm"], algorithm[static_cast<int>(c)]);
  EXPECT_EQ(cert.describe()["NotBefore"], "Jan  1 00:00:00 2030 GMT");
  EXPECT_EQ(cert.describe()["NotAfter"], "Jan 31 00:00:00 2030 GMT");
  EXPECT_EQ(cert.describe()["IssuerName"], (nlohmann::json{{"countryName", "US"},
                                                           {"organizationName", "Example"},
                                                           {"commonName", "enclave-signer"}}));
  EXPECT_FALSE(cert.valid_at(kStart - 1));
  EXPECT_TRUE(cert.valid_at(kStart));
  EXPECT_TRUE(cert.valid_at(kStart + 30 * 86400));
  EXPECT_FALSE(cert.valid_at(kStart + 30 * 86400 + 1));

  // Serial numbers are random.
  auto second = parse_x509(key.self_signed_certificate(kSubject, 30, kStart));
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(x509.get()), X509_get0_serialNumber(second.get())),
      0);
}

TEST_P(SigningCryptoCurve, OpensslAcceptsKeyAndCertificate) {
  const Curve c = GetParam();
  ScratchDir dir;
  PrivateKey key = PrivateKey::generate(c);
  auto pem = key.to_pem();
  EXPECT_EQ(text(pem).rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  write_bytes(dir / "key.pem", pem);
  write_bytes(dir / "cert.pem", key.self_signed_certificate(kSubject, 2, std::time(nullptr) - 60));
  run_tool({"openssl", "pkey", "-in", dir / "key.pem", "-noout", "-check"});
  run_tool({"openssl", "verify", "-x509_strict", "-CAfile", dir / "cert.pem", dir / "cert.pem"});

  // The PKCS#8 file reads back as the same key.
  PrivateKey loaded = PrivateKey::from_pem_file(dir / "key.pem");
  EXPECT_EQ(loaded.curve(), c);
  EXPECT_TRUE(loaded.matches(Certificate::from_pem_file(dir / "cert.pem")));
}

TEST_P(SigningCryptoCurve, PkeyutlSignatureConvertsToVerifiableRaw) {
  const Curve c = GetParam();
  ScratchDir dir;
  PrivateKey key = PrivateKey::generate(c);
  Certificate cert = Certificate::from_pem(key.self_signed_certificate(kSubject, 30, kStart), "c");
  write_bytes(dir / "key.pem", key.to_pem());
  auto digest = digest_for_curve(c, bytes("signed elsewhere"));
  write_bytes(dir / "digest.bin", digest);
  run_tool({"openssl", "pkeyutl", "-sign", "-inkey", dir / "key.pem", "-in", dir / "digest.bin",
            "-out", dir / "sig.der"});
  auto der = read_bytes(dir / "sig.der");
  ASSERT_EQ(der[0], 0x30);

  auto raw = signature_to_raw(der, c, dir / "sig.der");
  ASSERT_EQ(raw.size(), 2 * curve_coordinate_size(c));
  EXPECT_TRUE(cert.verify_digest(digest, raw));
  EXPECT_EQ(der_of(raw), der);
  // Raw r‖s passes through unchanged.
  EXPECT_EQ(signature_to_raw(raw, c, "raw"), raw);

  // And openssl verifies what eifkit signs.
  write_bytes(dir / "ours.der", der_of(key.sign_digest(digest)));
  run_tool({"openssl", "pkeyutl", "-verify", "-inkey", dir / "key.pem", "-in", dir / "digest.bin",
            "-sigfile", dir / "ours.der"});

  // DER with a byte more or less is neither form.
  const std::string message = std::string("S: not a DER ECDSA signature nor a raw r‖s of ") +
                              std::to_string(2 * curve_coordinate_size(c)) + " bytes for " +
                              curve_name(c);
  auto longer = der;
  longer.push_back(0);
  EXPECT_EQ(error_of([&] { signature_to_raw(longer, c, "S"); }), message);
  EXPECT_EQ(
      error_of([&] { signature_to_raw(std::vector<uint8_t>(der.begin(), der.end() - 1), c, "S"); }),
      message);
}

std::string curve_test_name(const testing::TestParamInfo<Curve>& info) {
  const char* names[] = {"P256", "P384", "P521"};
  return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(SigningCrypto, SigningCryptoCurve,
                         testing::Values(Curve::kP256, Curve::kP384, Curve::kP521),
                         curve_test_name);

// ---- what is refused ------------------------------------------------------------------------

TEST(SigningCryptoRefusal, RsaKeyAndCertificate) {
  ScratchDir dir;
  const std::string key = dir / "rsa.key";
  const std::string cert = dir / "rsa.pem";
  run_tool(
      {"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key});
  run_tool({"openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=rsa", "-days", "1",
            "-out", cert});
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(key); }),
            key + ": not an EC private key (RSA): " + kSupported);
  Certificate c = Certificate::from_pem_file(cert);
  EXPECT_EQ(error_of([&] { c.curve(); }), cert + ": certificate key is RSA; " + kSupported);
  EXPECT_EQ(error_of([&] { c.verify_digest(std::vector<uint8_t>(48), std::vector<uint8_t>(96)); }),
            cert + ": certificate key is RSA; " + kSupported);
  // describe and the DER still work: nitro-cli describes any certificate.
  EXPECT_EQ(c.describe()["Algorithm"], "sha256WithRSAEncryption");
  EXPECT_EQ(c.describe()["IssuerName"], (nlohmann::json{{"commonName", "rsa"}}));
}

TEST(SigningCryptoRefusal, Ed25519KeyAndCertificate) {
  ScratchDir dir;
  const std::string key = dir / "ed.key";
  const std::string cert = dir / "ed.pem";
  run_tool({"openssl", "genpkey", "-algorithm", "ed25519", "-out", key});
  run_tool({"openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=ed", "-days", "1", "-out",
            cert});
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(key); }),
            key + ": not an EC private key (Ed25519): " + kSupported);
  EXPECT_EQ(error_of([&] { Certificate::from_pem_file(cert).curve(); }),
            cert + ": certificate key is Ed25519; " + kSupported);
}

TEST(SigningCryptoRefusal, OtherEcCurves) {
  ScratchDir dir;
  const std::string key = dir / "k1.key";
  const std::string cert = dir / "k1.pem";
  run_tool({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1",
            "-out", key});
  run_tool({"openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=k1", "-days", "1", "-out",
            cert});
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(key); }),
            key + ": private key is EC on secp256k1: " + kSupported);
  EXPECT_EQ(error_of([&] { Certificate::from_pem_file(cert).curve(); }),
            cert + ": certificate key is EC on secp256k1; " + kSupported);
}

TEST(SigningCryptoRefusal, EncryptedKeysWithoutPrompting) {
  ScratchDir dir;
  const std::string pkcs8 = dir / "pkcs8.key";
  const std::string sec1 = dir / "sec1.key";
  run_tool({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384",
            "-aes256", "-pass", "pass:secret", "-out", pkcs8});
  run_tool({"openssl", "ec", "-in", pkcs8, "-passin", "pass:secret", "-aes128", "-passout",
            "pass:secret", "-out", sec1});
  ASSERT_NE(text(read_bytes(sec1)).find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  for (const auto& path : {pkcs8, sec1}) {
    EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(path); }),
              path + ": encrypted private keys are not supported");
  }
}

TEST(SigningCryptoRefusal, Sec1KeysAreAccepted) {
  ScratchDir dir;
  const std::string sec1 = dir / "sec1.key";
  run_tool({"openssl", "ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", sec1});
  ASSERT_EQ(text(read_bytes(sec1)).rfind("-----BEGIN EC PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(PrivateKey::from_pem_file(sec1).curve(), Curve::kP521);
}

TEST(SigningCryptoRefusal, NotKeysNotCertificates) {
  ScratchDir dir;
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(vector_cert()); }),
            vector_cert() + ": not a PEM private key");
  EXPECT_EQ(error_of([&] { Certificate::from_pem_file(vector_key()); }),
            vector_key() + ": not a PEM X.509 certificate");
  const std::string big = dir / "big.key";
  write_bytes(big, std::vector<uint8_t>((64 << 10) + 1, 'A'));
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(big); }),
            big + ": too large (65537 bytes, at most 65536)");
  const std::string absent = dir / "absent.key";
  EXPECT_EQ(error_of([&] { PrivateKey::from_pem_file(absent); }),
            absent + ": cannot open: No such file or directory");
}

TEST(SigningCryptoRefusal, KeyNotMatchingCertificate) {
  Certificate cert = Certificate::from_pem_file(vector_cert());
  EXPECT_FALSE(PrivateKey::generate(Curve::kP384).matches(cert));
  EXPECT_FALSE(PrivateKey::generate(Curve::kP256).matches(cert));
  PrivateKey key = PrivateKey::generate(Curve::kP384);
  Certificate own = Certificate::from_pem(key.self_signed_certificate(kSubject, 1, kStart), "own");
  EXPECT_FALSE(PrivateKey::from_pem_file(vector_key()).matches(own));
}

TEST(SigningCryptoRefusal, SubjectErrors) {
  PrivateKey key = PrivateKey::generate(Curve::kP256);
  auto error = [&](const std::string& subject) {
    return error_of([&] { key.self_signed_certificate(subject, 1, kStart); });
  };
  const std::string form = "expected /TYPE=value/..., e.g. /C=US/O=Example/CN=enclave-signer";
  EXPECT_EQ(error("CN=x"), "subject \"CN=x\": " + form);
  EXPECT_EQ(error(""), "subject \"\": " + form);
  EXPECT_EQ(error("/"), "subject \"/\": empty; " + form);
  EXPECT_EQ(error("/C=US/CN"), "subject \"/C=US/CN\": component \"CN\" is not TYPE=value");
  EXPECT_EQ(error("/CN=x/"), "subject \"/CN=x/\": component \"\" is not TYPE=value");
  EXPECT_EQ(error("/CN="), "subject \"/CN=\": component \"CN=\" is not TYPE=value");
  EXPECT_EQ(error("/=x"), "subject \"/=x\": component \"=x\" is not TYPE=value");
  EXPECT_EQ(error("/XX=1"), "subject \"/XX=1\": unknown attribute type \"XX\"");
  EXPECT_EQ(error("/C=USA"), "subject \"/C=USA\": invalid value for C (\"USA\")");
  EXPECT_EQ(error("/CN=x\\"), "subject \"/CN=x\\\": ends with a lone backslash");
  EXPECT_EQ(error_of([&] { key.self_signed_certificate(kSubject, 0, kStart); }),
            "certificate validity of 0 days: must be at least 1");

  // A backslash escapes '/', and '=' after the first belongs to the value.
  auto cert = Certificate::from_pem(key.self_signed_certificate("/CN=a\\/b=c", 1, kStart), "e");
  EXPECT_EQ(cert.describe()["IssuerName"], (nlohmann::json{{"commonName", "a/b=c"}}));
}

TEST(SigningCryptoRefusal, SignatureToRawErrors) {
  const std::string message = "S: not a DER ECDSA signature nor a raw r‖s of 96 bytes for P-384";
  EXPECT_EQ(error_of([] { signature_to_raw(std::vector<uint8_t>(10, 7), Curve::kP384, "S"); }),
            message);
  EXPECT_EQ(error_of([] { signature_to_raw(std::vector<uint8_t>(64, 7), Curve::kP384, "S"); }),
            message);
  EXPECT_EQ(error_of([] { signature_to_raw({}, Curve::kP384, "S"); }), message);
  EXPECT_EQ(signature_to_raw(std::vector<uint8_t>(64, 7), Curve::kP256, "S"),
            std::vector<uint8_t>(64, 7));
  // A P-384 DER signature has r and s too wide for P-256.
  PrivateKey key = PrivateKey::generate(Curve::kP384);
  auto der = der_of(key.sign_digest(digest_for_curve(Curve::kP384, bytes("x"))));
  EXPECT_EQ(error_of([&] { signature_to_raw(der, Curve::kP256, "S"); }),
            "S: DER ECDSA signature values are too large for P-256");
  // Short r and s are left-padded.
  std::vector<uint8_t> small_der = {0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07};
  std::vector<uint8_t> expected(132, 0);
  expected[65] = 5;
  expected[131] = 7;
  EXPECT_EQ(signature_to_raw(small_der, Curve::kP521, "S"), expected);
}

TEST(SigningCryptoRefusal, SignDigestOfTheWrongSize) {
  PrivateKey key = PrivateKey::generate(Curve::kP384);
  EXPECT_EQ(error_of([&] { key.sign_digest(std::vector<uint8_t>(32)); }),
            "cannot sign a 32-byte digest with a P-384 key (expects 48 bytes)");
}

// ---- curve names and digests ----------------------------------------------------------------

TEST(SigningCryptoCurveNames, ParseAndSizes) {
  EXPECT_EQ(parse_curve("P-256"), Curve::kP256);
  EXPECT_EQ(parse_curve("prime256v1"), Curve::kP256);
  EXPECT_EQ(parse_curve("P-384"), Curve::kP384);
  EXPECT_EQ(parse_curve("secp384r1"), Curve::kP384);
  EXPECT_EQ(parse_curve("P-521"), Curve::kP521);
  EXPECT_EQ(parse_curve("secp521r1"), Curve::kP521);
  EXPECT_EQ(error_of([] { parse_curve("secp256k1"); }),
            std::string("unknown curve \"secp256k1\": ") + kSupported);
  EXPECT_STREQ(curve_name(Curve::kP521), "P-521");
  EXPECT_EQ(curve_coordinate_size(Curve::kP256), 32u);
  EXPECT_EQ(curve_coordinate_size(Curve::kP384), 48u);
  EXPECT_EQ(curve_coordinate_size(Curve::kP521), 66u);
  EXPECT_EQ(curve_digest_size(Curve::kP521), 64u);
}

TEST(SigningCryptoCurveNames, DigestForCurve) {
  auto abc = bytes("abc");
  EXPECT_EQ(to_hex(digest_for_curve(Curve::kP256, abc)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(digest_for_curve(Curve::kP384, abc)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
  EXPECT_EQ(to_hex(digest_for_curve(Curve::kP521, abc)),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

}  // namespace
}  // namespace eifkit
