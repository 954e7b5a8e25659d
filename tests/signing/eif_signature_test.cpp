// The signing library: the signature section eifkit writes, byte for byte as EIF.md states it
// (checked against an encoder written here from the spec's words, not the library's), the
// two-step payload, signatures made elsewhere, keys that do not fit, and re-writing an image
// with a new signature section.
#include "lib/signing/eif_signature.h"
#include "lib/eif/eif_resign.h"
#include "lib/signing/pcr8.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/cose_sign1.h"
#include "formats/eif_header.h"
#include "formats/eif_section.h"
#include "formats/hex.h"
#include "formats/signature_section.h"
#include "lib/base/error.h"
#include "lib/eif/eif_reader.h"
#include "lib/signing/signature_check.h"
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

const std::string kSubject = "/C=US/O=Example/CN=enclave-signer";
const std::time_t kStart = 1893456000;  // 2030-01-01T00:00:00Z

std::string vector_cert() {
  return vector_path("eif/inputs/signing-cert.pem");
}
std::string vector_key() {
  return vector_path("eif/inputs/signing-key.pem");
}

Pcr vector_pcr0() {
  auto bytes = from_hex(read_json(vector_path("eif/signed.build.json"))["PCR0"].get<std::string>());
  Pcr pcr{};
  std::copy(bytes->begin(), bytes->end(), pcr.begin());
  return pcr;
}

// ---- CBOR as EIF.md describes it, written out by hand -----------------------------------------

void put_text(std::vector<uint8_t>& out, const std::string& s) {
  out.push_back(static_cast<uint8_t>(0x60 | s.size()));  // every key here is < 24 characters
  out.insert(out.end(), s.begin(), s.end());
}

// "Byte fields are CBOR arrays of unsigned integers, one element per byte (bytes < 24 take one
// CBOR byte, others two: 18 xx)".
void put_integer_array(std::vector<uint8_t>& out, const std::vector<uint8_t>& bytes) {
  size_t n = bytes.size();
  if (n < 24) {
    out.push_back(static_cast<uint8_t>(0x80 | n));
  } else if (n < 256) {
    out.insert(out.end(), {0x98, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x99, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  for (uint8_t b : bytes) {
    if (b >= 24) out.push_back(0x18);
    out.push_back(b);
  }
}

void put_bstr(std::vector<uint8_t>& out, const std::vector<uint8_t>& bytes) {
  ASSERT_LT(bytes.size(), 256u);
  if (bytes.size() < 24) {
    out.push_back(static_cast<uint8_t>(0x40 | bytes.size()));
  } else {
    out.insert(out.end(), {0x58, static_cast<uint8_t>(bytes.size())});
  }
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// {"register_index": 0, "register_value": [48 integers]}
std::vector<uint8_t> hand_payload(const Pcr& pcr0) {
  std::vector<uint8_t> out = {0xa2};
  put_text(out, "register_index");
  out.push_back(0x00);
  put_text(out, "register_value");
  put_integer_array(out, std::vector<uint8_t>(pcr0.begin(), pcr0.end()));
  return out;
}

std::vector<uint8_t> hand_protected(Curve c) {
  switch (c) {
    case Curve::kP256:
      return {0xa1, 0x01, 0x26};
    case Curve::kP384:
      return {0xa1, 0x01, 0x38, 0x22};
    case Curve::kP521:
      return {0xa1, 0x01, 0x38, 0x23};
  }
  return {};
}

// ["Signature1", protected, h'', payload]
std::vector<uint8_t> hand_to_be_signed(Curve c, const Pcr& pcr0) {
  std::vector<uint8_t> out = {0x84};
  put_text(out, "Signature1");
  put_bstr(out, hand_protected(c));
  out.push_back(0x40);
  put_bstr(out, hand_payload(pcr0));
  return out;
}

// Untagged [protected, {}, payload, signature]
std::vector<uint8_t> hand_cose(Curve c, const Pcr& pcr0, const std::vector<uint8_t>& signature) {
  std::vector<uint8_t> out = {0x84};
  put_bstr(out, hand_protected(c));
  out.push_back(0xa0);
  put_bstr(out, hand_payload(pcr0));
  put_bstr(out, signature);
  return out;
}

// [{"signing_certificate": [PEM bytes], "signature": [COSE bytes]}]
std::vector<uint8_t> hand_section(const std::vector<uint8_t>& pem,
                                  const std::vector<uint8_t>& cose) {
  std::vector<uint8_t> out = {0x81, 0xa2};
  put_text(out, "signing_certificate");
  put_integer_array(out, pem);
  put_text(out, "signature");
  put_integer_array(out, cose);
  return out;
}

struct Identity {
  PrivateKey key;
  Certificate cert;
};

Identity make_identity(Curve c) {
  PrivateKey key = PrivateKey::generate(c);
  Certificate cert =
      Certificate::from_pem(key.self_signed_certificate(kSubject, 30, kStart), "gen");
  return {std::move(key), std::move(cert)};
}

std::string curve_test_name(const testing::TestParamInfo<Curve>& info) {
  const char* names[] = {"P256", "P384", "P521"};
  return names[static_cast<int>(info.param)];
}

// ---- the payload ------------------------------------------------------------------------------

TEST(EifSigningPayload, HandComputedFromEifMd) {
  const Pcr pcr0 = vector_pcr0();
  // PCR0 of the vector starts 00 f8 ba 2e: one byte < 24, then three >= 24.
  std::vector<uint8_t> payload = encode_pcr_payload(0, pcr0);
  EXPECT_EQ(payload, hand_payload(pcr0));
  EXPECT_EQ(to_hex(std::vector<uint8_t>(payload.begin(), payload.begin() + 2)), "a26e");
  const size_t value = 2 + 14 + 1 + 1 + 14;  // a2 6e "register_index" 00 6e "register_value"
  EXPECT_EQ(to_hex(std::vector<uint8_t>(payload.begin() + value, payload.begin() + value + 9)),
            "98300018f818ba182e");
}

TEST(EifSigningPayload, ToBeSignedAndDigestPerCurve) {
  const Pcr pcr0 = vector_pcr0();
  const struct {
    Curve curve;
    const char* algorithm;
    size_t digest_size;
  } cases[] = {
      {Curve::kP256, "sha256", 32}, {Curve::kP384, "sha384", 48}, {Curve::kP521, "sha512", 64}};
  for (const auto& c : cases) {
    SCOPED_TRACE(curve_name(c.curve));
    SigningPayload p = signing_payload(pcr0, c.curve);
    EXPECT_EQ(p.to_be_signed, hand_to_be_signed(c.curve, pcr0));
    EXPECT_EQ(p.to_be_signed,
              cose_to_be_signed(cose_algorithm_for(c.curve), encode_pcr_payload(0, pcr0)));
    EXPECT_EQ(p.digest_algorithm, c.algorithm);
    EXPECT_EQ(p.digest.size(), c.digest_size);
    EXPECT_EQ(p.digest, digest_for_curve(c.curve, p.to_be_signed));
  }
  EXPECT_EQ(cose_algorithm_for(Curve::kP256), CoseAlgorithm::kES256);
  EXPECT_EQ(cose_algorithm_for(Curve::kP384), CoseAlgorithm::kES384);
  EXPECT_EQ(cose_algorithm_for(Curve::kP521), CoseAlgorithm::kES512);
}

TEST(EifSigningPayload, Pcr8OfTheVectorCertificate) {
  EXPECT_EQ(to_hex(pcr8_of_certificate(Certificate::from_pem_file(vector_cert()))),
            read_json(vector_path("eif/signed.build.json"))["PCR8"]);
}

// ---- the section, on every curve --------------------------------------------------------------

class EifSigningSection : public testing::TestWithParam<Curve> {};

TEST_P(EifSigningSection, LayoutIsEifMdByteForByte) {
  const Curve c = GetParam();
  Identity id = make_identity(c);
  const Pcr pcr0 = vector_pcr0();
  std::vector<uint8_t> section = signature_section(pcr0, id.cert, id.key);

  std::string problem;
  auto entries = decode_signature_section(section, problem);
  ASSERT_TRUE(entries) << problem;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].certificate_pem, id.cert.pem());
  auto cose = decode_cose_sign1((*entries)[0].cose_sign1, problem);
  ASSERT_TRUE(cose) << problem;
  EXPECT_FALSE(cose->tagged);
  EXPECT_TRUE(cose->unprotected_empty);
  EXPECT_EQ(cose->protected_header, hand_protected(c));
  EXPECT_EQ(cose->payload, hand_payload(pcr0));
  ASSERT_EQ(cose->signature.size(), 2 * curve_coordinate_size(c));

  // The whole section, with the signature it carries, as the spec spells it out.
  EXPECT_EQ((*entries)[0].cose_sign1, hand_cose(c, pcr0, cose->signature));
  EXPECT_EQ(section, hand_section(id.cert.pem(), hand_cose(c, pcr0, cose->signature)));
  // And the raw r‖s verifies over the to-be-signed bytes.
  EXPECT_TRUE(
      id.cert.verify_digest(digest_for_curve(c, hand_to_be_signed(c, pcr0)), cose->signature));

  SignatureFacts facts = check_signature_section(section, pcr0, "img");
  EXPECT_TRUE(facts.signature_valid) << facts.problem;
  EXPECT_TRUE(facts.payload_matches);
  EXPECT_EQ(facts.problem, "");
  Pcr other = pcr0;
  other[47] ^= 1;
  SignatureFacts mismatch = check_signature_section(section, other, "img");
  EXPECT_TRUE(mismatch.signature_valid);
  EXPECT_FALSE(mismatch.payload_matches);
  EXPECT_EQ(mismatch.problem, "signed payload is not {0, PCR0} of this image");
}

TEST_P(EifSigningSection, SignatureMadeElsewhereIsCheckedThenInserted) {
  const Curve c = GetParam();
  Identity id = make_identity(c);
  const Pcr pcr0 = vector_pcr0();
  auto raw = id.key.sign_digest(signing_payload(pcr0, c).digest);
  auto section = signature_section_from_signature(pcr0, id.cert, raw, "sig.bin");
  EXPECT_EQ(section, hand_section(id.cert.pem(), hand_cose(c, pcr0, raw)));

  // By another key of the same curve: refused, naming the file.
  Identity other = make_identity(c);
  auto foreign = other.key.sign_digest(signing_payload(pcr0, c).digest);
  EXPECT_EQ(error_of([&] { signature_section_from_signature(pcr0, id.cert, foreign, "sig.bin"); }),
            "sig.bin: signature does not verify with gen's key over this image's signing payload");
  // Over another PCR0: refused too.
  Pcr other_pcr0 = pcr0;
  other_pcr0[0] ^= 1;
  EXPECT_EQ(
      error_of([&] { signature_section_from_signature(other_pcr0, id.cert, raw, "sig.bin"); }),
      "sig.bin: signature does not verify with gen's key over this image's signing payload");
  // Neither DER nor raw of the curve's size.
  EXPECT_EQ(error_of([&] {
              signature_section_from_signature(pcr0, id.cert, std::vector<uint8_t>(7, 1), "s");
            }),
            "s: not a DER ECDSA signature nor a raw r‖s of " +
                std::to_string(2 * curve_coordinate_size(c)) + " bytes for " + curve_name(c));
}

TEST_P(EifSigningSection, KeyOfAnotherCertificateIsRefused) {
  Identity id = make_identity(GetParam());
  PrivateKey other = PrivateKey::generate(GetParam());
  EXPECT_EQ(error_of([&] { signature_section(vector_pcr0(), id.cert, other); }),
            "gen: the private key does not belong to this certificate");
}

INSTANTIATE_TEST_SUITE_P(EifSigning, EifSigningSection,
                         testing::Values(Curve::kP256, Curve::kP384, Curve::kP521),
                         curve_test_name);

TEST(EifSigningSectionVector, VectorKeyReproducesTheVectorSectionButForTheSignature) {
  // ECDSA is randomised, so only the signature bytes differ from the reference's section.
  Signer signer = Signer::load(vector_cert(), vector_key());
  Measurements m;
  m.pcr0 = vector_pcr0();
  auto section = signer.section_for(m);
  EifImage image = open_eif(vector_path("eif/signed.eif"));
  EifScan scan = scan_eif(image);
  ASSERT_TRUE(scan.signature);
  std::string problem;
  auto ours = decode_signature_section(section, problem);
  auto theirs = decode_signature_section(*scan.signature, problem);
  ASSERT_TRUE(ours && theirs) << problem;
  EXPECT_EQ((*ours)[0].certificate_pem, (*theirs)[0].certificate_pem);
  auto our_cose = decode_cose_sign1((*ours)[0].cose_sign1, problem);
  auto their_cose = decode_cose_sign1((*theirs)[0].cose_sign1, problem);
  ASSERT_TRUE(our_cose && their_cose) << problem;
  EXPECT_EQ(our_cose->protected_header, their_cose->protected_header);
  EXPECT_EQ(our_cose->payload, their_cose->payload);
  EXPECT_EQ(encode_signature_section({{(*ours)[0].certificate_pem,
                                       encode_cose_sign1(CoseAlgorithm::kES384, our_cose->payload,
                                                         their_cose->signature)}}),
            *scan.signature);
}

// ---- keys and certificates that cannot sign -----------------------------------------------

TEST(EifSigningSigner, LoadRefusals) {
  ScratchDir dir;
  Identity id = make_identity(Curve::kP384);
  write_bytes(dir / "cert.pem", id.cert.pem());
  write_bytes(dir / "key.pem", id.key.to_pem());
  EXPECT_EQ(
      error_of([&] { Signer::load(dir / "cert.pem", vector_key()); }),
      vector_key() + ": this private key does not belong to the certificate " + dir / "cert.pem");
  EXPECT_EQ(
      error_of([&] { Signer::load(vector_cert(), dir / "key.pem"); }),
      dir / "key.pem" + ": this private key does not belong to the certificate " + vector_cert());
  EXPECT_EQ(error_of([&] { Signer::load(vector_key(), vector_key()); }),
            vector_key() + ": not a PEM X.509 certificate");
  EXPECT_EQ(error_of([&] { Signer::load(vector_cert(), vector_cert()); }),
            vector_cert() + ": not a PEM private key");
  Signer ok = Signer::load(dir / "cert.pem", dir / "key.pem");
  EXPECT_EQ(ok.certificate.der(), id.cert.der());
}

TEST(EifSigningSigner, RsaAndEd25519AreRefused) {
  ScratchDir dir;
  run_tool({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
            dir / "rsa.key"});
  run_tool({"openssl", "req", "-x509", "-new", "-key", dir / "rsa.key", "-subj", "/CN=rsa", "-days",
            "1", "-out", dir / "rsa.pem"});
  run_tool({"openssl", "genpkey", "-algorithm", "ed25519", "-out", dir / "ed.key"});
  run_tool({"openssl", "req", "-x509", "-new", "-key", dir / "ed.key", "-subj", "/CN=ed", "-days",
            "1", "-out", dir / "ed.pem"});
  const std::string supported = "eifkit signs with P-256, P-384 or P-521 keys";
  EXPECT_EQ(error_of([&] { Signer::load(dir / "rsa.pem", dir / "rsa.key"); }),
            dir / "rsa.key" + ": not an EC private key (RSA): " + supported);
  EXPECT_EQ(error_of([&] { Signer::load(dir / "ed.pem", dir / "ed.key"); }),
            dir / "ed.key" + ": not an EC private key (Ed25519): " + supported);
  // An EC key with an RSA certificate: the certificate is refused first.
  EXPECT_EQ(error_of([&] { Signer::load(dir / "rsa.pem", vector_key()); }),
            dir / "rsa.pem" + ": certificate key is RSA; " + supported);
  Certificate ed = Certificate::from_pem_file(dir / "ed.pem");
  EXPECT_EQ(error_of([&] { signing_payload(vector_pcr0(), ed.curve()); }),
            dir / "ed.pem" + ": certificate key is Ed25519; " + supported);
  EXPECT_EQ(error_of([&] {
              signature_section_from_signature(vector_pcr0(), ed, std::vector<uint8_t>(96), "s");
            }),
            dir / "ed.pem" + ": certificate key is Ed25519; " + supported);
}

// A certificate so large (a long subjectAltName) that its section would not fit in 32 KiB.
void make_large_identity(const std::string& key, const std::string& cert) {
  std::string san = "subjectAltName=";
  for (int i = 0; i < 600; ++i) {
    if (i) san += ",";
    san += "DNS:host" + std::to_string(1000 + i) + ".example.com";
  }
  run_tool({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
            "-nodes", "-keyout", key, "-subj", "/CN=large", "-days", "2", "-addext", san, "-out",
            cert});
}

TEST(EifSigningSigner, CertificateTooLargeForTheSection) {
  ScratchDir dir;
  make_large_identity(dir / "large.key", dir / "large.pem");
  Certificate cert = Certificate::from_pem_file(dir / "large.pem");
  ASSERT_GT(cert.pem().size(), 16000u);
  const std::string prefix =
      dir / "large.pem" + ": certificate too large: the signature section would be ";

  // Signer::load assumes the widest PCR0 and signature: every byte takes two CBOR bytes.
  Pcr widest;
  widest.fill(0xff);
  size_t worst =
      encode_signature_section(
          {{cert.pem(), encode_cose_sign1(CoseAlgorithm::kES384, encode_pcr_payload(0, widest),
                                          std::vector<uint8_t>(96, 0xff))}})
          .size();
  ASSERT_GT(worst, kMaxSignatureSize);
  EXPECT_EQ(error_of([&] { Signer::load(dir / "large.pem", dir / "large.key"); }),
            prefix + std::to_string(worst) + " bytes (at most 32768)");

  const Pcr pcr0 = vector_pcr0();
  size_t for_pcr0 =
      encode_signature_section(
          {{cert.pem(), encode_cose_sign1(CoseAlgorithm::kES384, encode_pcr_payload(0, pcr0),
                                          std::vector<uint8_t>(96, 0xff))}})
          .size();
  EXPECT_EQ(error_of([&] { require_signature_section_fits(cert, pcr0); }),
            prefix + std::to_string(for_pcr0) + " bytes (at most 32768)");

  // With a real signature, the real size.
  PrivateKey key = PrivateKey::from_pem_file(dir / "large.key");
  auto raw = key.sign_digest(signing_payload(pcr0, Curve::kP384).digest);
  size_t actual = hand_section(cert.pem(), hand_cose(Curve::kP384, pcr0, raw)).size();
  EXPECT_EQ(error_of([&] { signature_section_from_signature(pcr0, cert, raw, "sig"); }),
            prefix + std::to_string(actual) + " bytes (at most 32768)");

  // The vector's certificate fits with room to spare.
  Certificate small = Certificate::from_pem_file(vector_cert());
  EXPECT_EQ(error_of([&] { require_signature_section_fits(small, widest); }), "(no error)");
}

// ---- re-writing an image with a signature ---------------------------------------------------

TEST(EifSigningRewrite, AppendsThenReplacesKeepingEverythingElse) {
  ScratchDir dir;
  // aarch64: the header's flags, memory and CPU defaults must survive.
  const std::string input = vector_path("eif/aarch64.eif");
  const auto original = read_bytes(input);
  Identity first = make_identity(Curve::kP256);
  EifImage image = open_eif(input);
  EifScan scan = scan_eif(image);
  ASSERT_FALSE(scan.signature);
  auto section = signature_section(scan.measurements.pcr0, first.cert, first.key);
  EifWriteResult result = rewrite_with_signature(image, section, dir / "signed.eif");
  EXPECT_EQ(result.measurements.pcr0, scan.measurements.pcr0);
  EXPECT_EQ(result.measurements.pcr1, scan.measurements.pcr1);
  EXPECT_EQ(result.measurements.pcr2, scan.measurements.pcr2);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"signed.eif"});

  auto signed_bytes = read_bytes(dir / "signed.eif");
  EifHeader before = decode_eif_header(original.data());
  EifHeader after = decode_eif_header(signed_bytes.data());
  EXPECT_EQ(after.flags, kEifFlagAarch64);
  EifHeader expected = before;
  const uint16_t n = before.num_sections;
  expected.num_sections = static_cast<uint16_t>(n + 1);
  expected.section_offsets[n] = original.size();
  expected.section_sizes[n] = section.size();
  expected.crc32 = after.crc32;
  EXPECT_EQ(encode_eif_header(expected), encode_eif_header(after));
  EXPECT_EQ(result.header.crc32, after.crc32);
  EXPECT_EQ(std::vector<uint8_t>(signed_bytes.begin() + kEifHeaderSize,
                                 signed_bytes.begin() + static_cast<long>(original.size())),
            std::vector<uint8_t>(original.begin() + kEifHeaderSize, original.end()));
  auto section_header =
      encode_section_header({static_cast<uint16_t>(SectionType::kSignature), 0, section.size()});
  EXPECT_EQ(std::vector<uint8_t>(signed_bytes.begin() + static_cast<long>(original.size()),
                                 signed_bytes.begin() + static_cast<long>(original.size()) + 12),
            std::vector<uint8_t>(section_header.begin(), section_header.end()));
  EXPECT_EQ(std::vector<uint8_t>(signed_bytes.begin() + static_cast<long>(original.size()) + 12,
                                 signed_bytes.end()),
            section);

  // Replacing: same table slot, nothing before it moves.
  Identity second = make_identity(Curve::kP521);
  EifImage signed_image = open_eif(dir / "signed.eif");
  EifScan signed_scan = scan_eif(signed_image);
  EXPECT_TRUE(signed_scan.crc_ok);
  ASSERT_TRUE(signed_scan.signature);
  EXPECT_EQ(*signed_scan.signature, section);
  EXPECT_EQ(*signed_scan.measurements.pcr8, pcr8_of_certificate(first.cert));
  auto replacement = signature_section(scan.measurements.pcr0, second.cert, second.key);
  rewrite_with_signature(signed_image, replacement, dir / "resigned.eif");
  auto resigned = read_bytes(dir / "resigned.eif");
  EifHeader again = decode_eif_header(resigned.data());
  EXPECT_EQ(again.num_sections, n + 1);
  EXPECT_EQ(again.section_offsets[n], original.size());
  EXPECT_EQ(again.section_sizes[n], replacement.size());
  EXPECT_EQ(std::vector<uint8_t>(resigned.begin() + kEifHeaderSize,
                                 resigned.begin() + static_cast<long>(original.size())),
            std::vector<uint8_t>(original.begin() + kEifHeaderSize, original.end()));
  EifImage resigned_image = open_eif(dir / "resigned.eif");
  EifScan resigned_scan = scan_eif(resigned_image);
  EXPECT_TRUE(resigned_scan.crc_ok);
  EXPECT_EQ(*resigned_scan.signature, replacement);
  EXPECT_EQ(*resigned_scan.measurements.pcr8, pcr8_of_certificate(second.cert));
  EXPECT_EQ(resigned_scan.measurements.pcr0, scan.measurements.pcr0);
}

TEST(EifSigningRewrite, ReplacingTheVectorsSectionKeepsEveryOtherByte) {
  ScratchDir dir;
  const auto original = read_bytes(vector_path("eif/signed.eif"));
  EifImage image = open_eif(vector_path("eif/signed.eif"));
  EifScan scan = scan_eif(image);
  Identity id = make_identity(Curve::kP384);
  auto section = signature_section(scan.measurements.pcr0, id.cert, id.key);
  rewrite_with_signature(image, section, dir / "out.eif");
  const auto out_bytes = read_bytes(dir / "out.eif");
  EifImage out = open_eif(dir / "out.eif");
  ASSERT_EQ(out.sections.size(), image.sections.size());
  for (size_t i = 0; i < out.sections.size(); ++i) {
    EXPECT_EQ(out.sections[i].type, image.sections[i].type);
    EXPECT_EQ(out.sections[i].offset, image.sections[i].offset);
  }
  EXPECT_EQ(out.sections.back().size, section.size());
  const auto signature_at = static_cast<long>(image.sections.back().offset);
  EXPECT_EQ(
      std::vector<uint8_t>(out_bytes.begin() + kEifHeaderSize, out_bytes.begin() + signature_at),
      std::vector<uint8_t>(original.begin() + kEifHeaderSize, original.begin() + signature_at));
  EXPECT_EQ(out_bytes.size(), static_cast<size_t>(signature_at) + 12 + section.size());
}

TEST(EifSigningRewrite, OversizedSectionIsRefusedByTheReader) {
  // A section eifkit would never write, placed by the library's rewriter, is refused on read
  // before it is decoded.
  ScratchDir dir;
  EifImage image = open_eif(vector_path("eif/two-ramdisks.eif"));
  rewrite_with_signature(image, std::vector<uint8_t>(kMaxSignatureSize + 1, 0x80), dir / "big.eif");
  EifImage big = open_eif(dir / "big.eif");
  EXPECT_EQ(error_of([&] { scan_eif(big); }),
            dir / "big.eif" + ": signature section is 32769 bytes (at most 32768)");
  // Exactly 32 KiB is read (and then refused for what it holds).
  EifImage image2 = open_eif(vector_path("eif/two-ramdisks.eif"));
  rewrite_with_signature(image2, std::vector<uint8_t>(kMaxSignatureSize, 0x80), dir / "edge.eif");
  EifImage edge = open_eif(dir / "edge.eif");
  EXPECT_EQ(error_of([&] { scan_eif(edge); }),
            dir / "edge.eif" +
                ": signature section is not valid CBOR: parse error at byte 2: "
                "syntax error while parsing CBOR value: expected end of "
                "input; last byte: 0x80");
}

}  // namespace
}  // namespace eifkit
