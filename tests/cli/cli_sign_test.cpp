// Signing end to end: `keygen`, signed `build`, `sign` (with a key, and in two steps with an
// `openssl`-made signature), and `verify`/`describe` of signed images: exact outputs, one-line
// errors, exit statuses (0 ok, 1 a check failed, 2 unusable input), and no file written or
// left behind when something is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <tuple>
#include <vector>

#include "formats/cose_sign1.h"
#include "formats/eif_header.h"
#include "formats/eif_section.h"
#include "formats/hex.h"
#include "formats/signature_section.h"
#include "lib/eif/eif_reader.h"
#include "lib/eif/eif_resign.h"
#include "lib/hash/crc32.h"
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/ecdsa_signature.h"
#include "lib/signing/eif_signature.h"
#include "lib/signing/private_key.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::read_json;
using test::run_eifkit;
using test::run_tool;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

const std::string kBuildTime = "2024-01-01T00:00:00+00:00";
const std::string kSupported = "eifkit signs with P-256, P-384 or P-521 keys";
const std::string kAt = "2030-01-01T00:00:00Z";  // inside the vector certificate's window

std::string input(const std::string& name) {
  return vector_path("eif/inputs/" + name);
}
std::string eif_path(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}
json build_json(const std::string& name) {
  return read_json(vector_path("eif/" + name + ".build.json"));
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `build` with the two-ramdisks vector inputs and a pinned build time.
std::vector<std::string> build_args(const std::string& output,
                                    const std::vector<std::string>& extra = {}) {
  return concat({"build", "--kernel", input("kernel.bin"), "--cmdline-file", input("cmdline.txt"),
                 "--ramdisk", input("ramdisk-bootstrap.bin"), "--ramdisk", input("ramdisk-app.bin"),
                 "--build-time", kBuildTime, "--output", output},
                extra);
}

std::string printed(const json& j) {
  return j.dump(2) + "\n";
}

std::string text(const std::vector<uint8_t>& b) {
  return {b.begin(), b.end()};
}

// The run failed with `status`, one "eifkit: " line on stderr (exactly `message` when given)
// and nothing on stdout.
void expect_error(const RunResult& r, const std::string& message = "", int status = 2) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("eifkit: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  if (!message.empty()) {
    EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  }
}

json ok_json(const RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return json::parse(r.out);
}

// `verify` that must end with `status` (0 or 1) and print a report.
json verify(const std::vector<std::string>& args, int status) {
  RunResult r = run_eifkit(concat({"verify"}, args));
  EXPECT_EQ(r.status, status) << r.err << r.out;
  EXPECT_EQ(r.err, "");
  return json::parse(r.out);
}

struct Identity {
  std::string key, cert;
};

// `eifkit keygen` into dir/NAME.key and dir/NAME.pem.
Identity keygen(const ScratchDir& dir, const std::string& name, const std::string& curve = "P-384",
                const std::vector<std::string>& extra = {}) {
  Identity id{dir / (name + ".key"), dir / (name + ".pem")};
  RunResult r = run_eifkit(concat(
      {"keygen", "--private-key", id.key, "--signing-certificate", id.cert, "--curve", curve},
      extra));
  EXPECT_EQ(r.status, 0) << r.err;
  return id;
}

std::string pcr8_of(const std::string& cert) {
  return ok_json(run_eifkit({"pcr", "--signing-certificate", cert}))["PCR8"];
}

json measurements_with_pcr8(const std::string& vector, const std::string& cert) {
  json m = build_json(vector);
  m["PCR8"] = pcr8_of(cert);
  return m;
}

Curve curve_of(const std::string& name) {
  return parse_curve(name);
}

// ---- reading and editing a signature section ------------------------------------------------

struct SignatureParts {
  EifSectionInfo info;
  std::vector<uint8_t> section;
  SignatureEntry entry;
  CoseSign1 cose;
  Pcr pcr0;
};

SignatureParts signature_parts(const std::string& path) {
  EifImage image = open_eif(path);
  EifScan scan = scan_eif(image);
  if (!scan.signature) throw std::runtime_error(path + " is not signed");
  SignatureParts parts;
  for (const auto& s : image.sections) {
    if (s.type == static_cast<uint16_t>(SectionType::kSignature)) parts.info = s;
  }
  parts.section = *scan.signature;
  std::string problem;
  auto entries = decode_signature_section(parts.section, problem);
  if (!entries || entries->size() != 1) throw std::runtime_error(path + ": " + problem);
  parts.entry = entries->front();
  auto cose = decode_cose_sign1(parts.entry.cose_sign1, problem);
  if (!cose) throw std::runtime_error(path + ": " + problem);
  parts.cose = *cose;
  parts.pcr0 = scan.measurements.pcr0;
  return parts;
}

// The file's CRC as eifkit and nitro-cli compute it: header bytes 0..543, then every section
// header and section (contiguous from byte 548 in the files edited here).
void fix_crc(std::vector<uint8_t>& bytes) {
  EifHeader h = decode_eif_header(bytes.data());
  uint32_t crc = crc32_update(0, std::span(bytes).first(kEifCrcCoveredHeaderBytes));
  h.crc32 = crc32_update(crc, std::span(bytes).subspan(kEifHeaderSize));
  auto header = encode_eif_header(h);
  std::copy(header.begin(), header.end(), bytes.begin());
}

// A copy of `path` whose signature section is `section` (the same size), spliced in.
std::vector<uint8_t> with_section(const std::string& path, const SignatureParts& parts,
                                  const std::vector<uint8_t>& section) {
  EXPECT_EQ(section.size(), parts.section.size());
  auto bytes = read_bytes(path);
  std::copy(section.begin(), section.end(),
            bytes.begin() + static_cast<long>(parts.info.data_offset()));
  return bytes;
}

size_t bytes_differing(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  EXPECT_EQ(a.size(), b.size());
  size_t n = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) n += a[i] != b[i];
  return n;
}

// Raw r‖s from a DER ECDSA signature, with OpenSSL directly (not eifkit's conversion).
std::vector<uint8_t> raw_of_der(const std::vector<uint8_t>& der, size_t coordinate) {
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (!sig) throw std::runtime_error("not a DER ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::vector<uint8_t> raw(2 * coordinate);
  BN_bn2binpad(r, raw.data(), static_cast<int>(coordinate));
  BN_bn2binpad(s, raw.data() + coordinate, static_cast<int>(coordinate));
  ECDSA_SIG_free(sig);
  return raw;
}

// The section is EIF.md's layout: one entry holding the certificate file's bytes and an
// untagged COSE_Sign1 with the curve's protected header, an empty unprotected map, the
// payload {0, PCR0} and a raw r‖s signature.
void expect_eif_md_layout(const std::string& eif, const std::string& cert,
                          const std::string& curve) {
  SCOPED_TRACE(eif);
  SignatureParts p = signature_parts(eif);
  const Curve c = curve_of(curve);
  EXPECT_EQ(p.entry.certificate_pem, read_bytes(cert));
  EXPECT_FALSE(p.cose.tagged);
  EXPECT_NE(p.entry.cose_sign1[0], 0xd2);
  EXPECT_TRUE(p.cose.unprotected_empty);
  const char* protected_hex = c == Curve::kP256   ? "a10126"
                              : c == Curve::kP384 ? "a1013822"
                                                  : "a1013823";
  EXPECT_EQ(to_hex(p.cose.protected_header), protected_hex);
  EXPECT_EQ(p.cose.payload, encode_pcr_payload(0, p.pcr0));
  EXPECT_EQ(p.cose.signature.size(), 2 * curve_coordinate_size(c));
  EXPECT_EQ(p.entry.cose_sign1,
            encode_cose_sign1(cose_algorithm_for(c), p.cose.payload, p.cose.signature));
  EXPECT_EQ(p.section, encode_signature_section({p.entry}));
  // [{"signing_certificate": [99 LEN …integers…], …}]: integer arrays, not byte strings.
  const std::string start =
      "81a273" +
      to_hex(std::vector<uint8_t>({'s', 'i', 'g', 'n', 'i', 'n', 'g', '_', 'c', 'e', 'r', 't', 'i',
                                   'f', 'i', 'c', 'a', 't', 'e'})) +
      "99";
  EXPECT_EQ(to_hex(std::vector<uint8_t>(p.section.begin(),
                                        p.section.begin() + static_cast<long>(start.size() / 2))),
            start);
  // The last section of the file.
  EifImage image = open_eif(eif);
  EXPECT_EQ(image.sections.back().type, static_cast<uint16_t>(SectionType::kSignature));
}

// `signed_bytes` is `unsigned_bytes` with a signature section appended: only the header's
// section table (count, new slot) and CRC differ, then the section follows.
void expect_appended_signature(const std::vector<uint8_t>& unsigned_bytes,
                               const std::vector<uint8_t>& signed_bytes) {
  ASSERT_GT(signed_bytes.size(), unsigned_bytes.size() + 12);
  EifHeader before = decode_eif_header(unsigned_bytes.data());
  EifHeader after = decode_eif_header(signed_bytes.data());
  const uint64_t section_size = signed_bytes.size() - unsigned_bytes.size() - 12;
  EifHeader expected = before;
  expected.num_sections = static_cast<uint16_t>(before.num_sections + 1);
  expected.section_offsets[before.num_sections] = unsigned_bytes.size();
  expected.section_sizes[before.num_sections] = section_size;
  expected.crc32 = after.crc32;
  EXPECT_EQ(encode_eif_header(expected), encode_eif_header(after));
  EXPECT_NE(after.crc32, before.crc32);
  EXPECT_TRUE(std::equal(unsigned_bytes.begin() + kEifHeaderSize, unsigned_bytes.end(),
                         signed_bytes.begin() + kEifHeaderSize));
  auto section_header =
      encode_section_header({static_cast<uint16_t>(SectionType::kSignature), 0, section_size});
  EXPECT_TRUE(std::equal(section_header.begin(), section_header.end(),
                         signed_bytes.begin() + static_cast<long>(unsigned_bytes.size())));
}

std::string curve_param_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
  return n;
}

// ---- the signed vector ------------------------------------------------------------------

TEST(VerifyVector, SignedVectorVerifiesExactly) {
  RunResult r = run_eifkit({"verify", eif_path("signed"), "--at", kAt});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  json described = read_json(vector_path("eif/signed.describe.json"));
  json cert = described["SigningCertificate"];
  json expected = {
      {"At", "2030-01-01T00:00:00+00:00"},
      {"Checks",
       {{"CRC", true},
        {"CertificateValidity", true},
        {"Signature", true},
        {"SignatureCheck", true},
        {"Signed", true}}},
      {"Failed", json::array()},
      {"Measurements", build_json("signed")},
      {"SigningCertificate",
       {{"IssuerName", cert["IssuerName"]},
        {"NotAfter", cert["NotAfter"]},
        {"NotBefore", cert["NotBefore"]},
        {"Sha256Fingerprint", described["SignatureVerify"]["Certificate"]["DerSha256"]},
        {"Subject", "CN=vector-signer,O=eifkit test vectors,C=US"}}},
      {"Verified", true}};
  EXPECT_EQ(r.out, printed(expected));
  EXPECT_EQ(json::parse(r.out)["Measurements"]["PCR8"], build_json("signed")["PCR8"]);
}

TEST(VerifyVector, DefaultTimeIsNow) {
  std::time_t before = std::time(nullptr);
  json v = verify({eif_path("signed")}, 0);
  EXPECT_EQ(v["Verified"], true);
  // "YYYY-MM-DDThh:mm:ss+00:00", within a few seconds of now.
  std::string at = v["At"];
  ASSERT_EQ(at.size(), 25u);
  EXPECT_TRUE(at.ends_with("+00:00"));
  std::tm tm{};
  ASSERT_TRUE(strptime(at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm));
  EXPECT_LE(std::abs(static_cast<long>(timegm(&tm) - before)), 60);
}

TEST(VerifyVector, DescribeReportsSigningCertificateAndSignatureCheck) {
  RunResult r = run_eifkit({"describe", eif_path("signed")});
  json d = ok_json(r);
  json described = read_json(vector_path("eif/signed.describe.json"));
  EXPECT_EQ(d["IsSigned"], true);
  EXPECT_EQ(d["SignatureCheck"], true);
  EXPECT_EQ(d["SigningCertificate"], described["SigningCertificate"]);
  EXPECT_EQ(d["SigningCertificate"]["Algorithm"], "ecdsa-with-SHA384");
  EXPECT_EQ(d["Measurements"], build_json("signed"));
  EXPECT_EQ(d["Measurements"]["PCR8"], build_json("signed")["PCR8"]);
  // Unsigned images have neither field.
  json u = ok_json(run_eifkit({"describe", eif_path("two-ramdisks")}));
  EXPECT_FALSE(u.contains("SigningCertificate"));
  EXPECT_FALSE(u.contains("SignatureCheck"));
  EXPECT_FALSE(u["Measurements"].contains("PCR8"));
}

TEST(VerifyVector, CertificateValidityWindowIsInclusive) {
  // Vector certificate: notBefore Nov 22 22:43:31 2026 GMT, notAfter Oct 29 22:43:31 2126 GMT.
  const std::string path = eif_path("signed");
  for (const char* at :
       {"2026-11-22T22:43:31Z", "2126-10-29T22:43:31Z", "2126-10-30T00:43:31+02:00"}) {
    SCOPED_TRACE(at);
    json v = verify({path, "--at", at}, 0);
    EXPECT_EQ(v["Checks"]["CertificateValidity"], true);
  }
  const std::string before = "is not valid before 2026-11-22T22:43:31+00:00";
  const std::string expired = "expired on 2126-10-29T22:43:31+00:00";
  for (auto [at, shown, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"2026-11-22T22:43:30Z", "2026-11-22T22:43:30+00:00", before},
           {"2126-10-29T22:43:32Z", "2126-10-29T22:43:32+00:00", expired},
           {"2000-01-01T00:00:00Z", "2000-01-01T00:00:00+00:00", before}}) {
    SCOPED_TRACE(at);
    json v = verify({path, "--at", at}, 1);
    EXPECT_EQ(v["Failed"], json::array({"CertificateValidity"}));
    EXPECT_EQ(v["Checks"]["CertificateValidity"], false);
    EXPECT_EQ(
        v["Problems"],
        json({{"CertificateValidity", "the certificate " + why + " (checked at " + shown + ")"}}));
    EXPECT_EQ(v["At"], shown);
    EXPECT_EQ(v["Verified"], false);
  }
}

// ---- tampering ------------------------------------------------------------------------------

TEST(VerifyTamper, KernelByteFailsCrcAndSignatureCheck) {
  ScratchDir dir;
  auto bytes = read_bytes(eif_path("signed"));
  bytes[548 + 12 + 4096] ^= 0x01;  // inside the kernel section
  write_bytes(dir / "flipped.eif", bytes);
  json v = verify({dir / "flipped.eif", "--at", kAt}, 1);
  EXPECT_EQ(v["Failed"], json::array({"CRC", "SignatureCheck"}));
  EXPECT_EQ(v["Checks"], json({{"CRC", false},
                               {"CertificateValidity", true},
                               {"Signature", true},
                               {"SignatureCheck", false},
                               {"Signed", true}}));
  EXPECT_EQ(v["Problems"],
            json({{"CRC", "the header's CRC does not match the file's bytes"},
                  {"SignatureCheck", "the signed payload is not {0, PCR0} of this image"}}));
  EXPECT_NE(v["Measurements"]["PCR0"], build_json("signed")["PCR0"]);
  EXPECT_EQ(v["Measurements"]["PCR2"], build_json("signed")["PCR2"]);
  EXPECT_EQ(v["Measurements"]["PCR8"], build_json("signed")["PCR8"]);
  EXPECT_EQ(v["Verified"], false);

  // With the CRC made to match, the signed payload still names the old PCR0.
  fix_crc(bytes);
  write_bytes(dir / "recrc.eif", bytes);
  json w = verify({dir / "recrc.eif", "--at", kAt}, 1);
  EXPECT_EQ(w["Failed"], json::array({"SignatureCheck"}));
  json d = ok_json(run_eifkit({"describe", dir / "recrc.eif"}));
  EXPECT_EQ(d["CheckCRC"], true);
  EXPECT_EQ(d["SignatureCheck"], false);
}

TEST(VerifyTamper, PayloadByteFailsSignatureAndSignatureCheck) {
  ScratchDir dir;
  const std::string path = eif_path("signed");
  SignatureParts p = signature_parts(path);
  // A register_value byte >= 24 is `18 xx` in the payload, and `18 18 18 xx` in the section;
  // xx ^ 1 is still >= 24, so the CBOR keeps its shape and size.
  size_t i = 0;
  while (p.pcr0[i] < 24) ++i;
  auto payload = p.cose.payload;
  size_t at = 2 + 14 + 1 + 1 + 14 + 2;  // a2 6e "register_index" 00 6e "register_value" 98 30
  for (size_t k = 0; k < i; ++k) at += p.pcr0[k] < 24 ? 1 : 2;
  ASSERT_EQ(payload[at], 0x18);
  ASSERT_EQ(payload[at + 1], p.pcr0[i]);
  payload[at + 1] ^= 0x01;
  auto cose = encode_cose_sign1(CoseAlgorithm::kES384, payload, p.cose.signature);
  auto section = encode_signature_section({{p.entry.certificate_pem, cose}});
  auto bytes = with_section(path, p, section);
  EXPECT_EQ(bytes_differing(bytes, read_bytes(path)), 1u);
  write_bytes(dir / "payload.eif", bytes);

  json v = verify({dir / "payload.eif", "--at", kAt}, 1);
  EXPECT_EQ(v["Failed"], json::array({"CRC", "Signature", "SignatureCheck"}));
  EXPECT_EQ(v["Problems"]["Signature"],
            "COSE signature does not verify with the certificate's key");
  EXPECT_EQ(v["Problems"]["SignatureCheck"], "the signed payload is not {0, PCR0} of this image");
  EXPECT_EQ(v["Measurements"], build_json("signed"));  // the section is not measured

  fix_crc(bytes);
  write_bytes(dir / "payload-recrc.eif", bytes);
  json w = verify({dir / "payload-recrc.eif", "--at", kAt}, 1);
  EXPECT_EQ(w["Failed"], json::array({"Signature", "SignatureCheck"}));
  json d = ok_json(run_eifkit({"describe", dir / "payload-recrc.eif"}));
  EXPECT_EQ(d["SignatureCheck"], false);
}

TEST(VerifyTamper, SignatureByteFailsSignature) {
  ScratchDir dir;
  const std::string path = eif_path("signed");
  SignatureParts p = signature_parts(path);
  auto signature = p.cose.signature;
  size_t j = 0;
  while (signature[j] < 24) ++j;
  signature[j] ^= 0x01;  // still >= 24: same encoded size
  auto cose = encode_cose_sign1(CoseAlgorithm::kES384, p.cose.payload, signature);
  auto bytes = with_section(path, p, encode_signature_section({{p.entry.certificate_pem, cose}}));
  EXPECT_EQ(bytes_differing(bytes, read_bytes(path)), 1u);
  write_bytes(dir / "sig.eif", bytes);

  json v = verify({dir / "sig.eif", "--at", kAt}, 1);
  EXPECT_EQ(v["Failed"], json::array({"CRC", "Signature"}));
  EXPECT_EQ(v["Checks"]["SignatureCheck"], true);

  fix_crc(bytes);
  write_bytes(dir / "sig-recrc.eif", bytes);
  json w = verify({dir / "sig-recrc.eif", "--at", kAt}, 1);
  EXPECT_EQ(w["Failed"], json::array({"Signature"}));
  EXPECT_EQ(w["Problems"],
            json({{"Signature", "COSE signature does not verify with the certificate's key"}}));
  json d = ok_json(run_eifkit({"describe", dir / "sig-recrc.eif"}));
  EXPECT_EQ(d["SignatureCheck"], false);
}

// ---- expected values --------------------------------------------------------------------

TEST(VerifyExpected, Pcr0Pcr8AndCertificate) {
  const std::string path = eif_path("signed");
  std::string pcr0 = build_json("signed")["PCR0"];
  std::string pcr8 = build_json("signed")["PCR8"];
  std::string upper = pcr0;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  json ok = verify({path, "--at", kAt, "--pcr0", upper, "--pcr8", pcr8, "--signing-certificate",
                    input("signing-cert.pem")},
                   0);
  EXPECT_EQ(ok["Checks"], json({{"CRC", true},
                                {"Certificate", true},
                                {"CertificateValidity", true},
                                {"PCR0", true},
                                {"PCR8", true},
                                {"Signature", true},
                                {"SignatureCheck", true},
                                {"Signed", true}}));

  std::string wrong = pcr0;
  wrong[95] = wrong[95] == '0' ? '1' : '0';
  json v = verify({path, "--at", kAt, "--pcr0", wrong}, 1);
  EXPECT_EQ(v["Failed"], json::array({"PCR0"}));
  EXPECT_EQ(v["Problems"], json({{"PCR0", "PCR0 is " + pcr0}}));

  json w = verify({path, "--at", kAt, "--pcr8", pcr0}, 1);
  EXPECT_EQ(w["Failed"], json::array({"PCR8"}));
  EXPECT_EQ(w["Problems"], json({{"PCR8", "PCR8 is " + pcr8}}));

  ScratchDir dir;
  Identity other = keygen(dir, "other");
  json c = verify({path, "--at", kAt, "--signing-certificate", other.cert, "--pcr0", wrong}, 1);
  EXPECT_EQ(c["Failed"], json::array({"Certificate", "PCR0"}));
  EXPECT_EQ(c["Problems"]["Certificate"], "signed with another certificate than " + other.cert);
}

TEST(VerifyExpected, UnsignedImage) {
  RunResult r = run_eifkit({"verify", eif_path("two-ramdisks"), "--at", kAt});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, printed({{"At", "2030-01-01T00:00:00+00:00"},
                            {"Checks", {{"CRC", true}, {"Signed", false}}},
                            {"Failed", json::array({"Signed"})},
                            {"Measurements", build_json("two-ramdisks")},
                            {"Problems", {{"Signed", "the image has no signature section"}}},
                            {"Verified", false}}));
  json v = verify({eif_path("two-ramdisks"), "--pcr8", build_json("signed")["PCR8"]}, 1);
  EXPECT_EQ(v["Failed"], json::array({"Signed", "PCR8"}));
  EXPECT_EQ(v["Problems"]["PCR8"], "PCR8 is absent (unsigned image)");
}

TEST(VerifyErrors, MalformedOptionsAndFiles) {
  const std::string path = eif_path("signed");
  expect_error(run_eifkit({"verify", path, "--pcr0", "xyz"}), "--pcr0: 'xyz' is not hex");
  expect_error(run_eifkit({"verify", path, "--pcr8", "00ff"}),
               "--pcr8: the value for PCR8 is 4 hex digits; a PCR is 96 hex digits (SHA-384)");
  std::string long_hex = std::string(build_json("signed")["PCR0"]) + "00";
  expect_error(run_eifkit({"verify", path, "--pcr0", long_hex}),
               "--pcr0: the value for PCR0 is 98 hex digits; a PCR is 96 hex digits (SHA-384)");
  // --at takes the forms it takes in the attestation commands, but doc.
  expect_error(run_eifkit({"verify", path, "--at", "yesterday"}),
               "--at: 'yesterday' is not now, doc or an RFC 3339 time "
               "(YYYY-MM-DDTHH:MM:SS[.fraction] then Z or +HH:MM, a date that exists, seconds "
               "00 to 59)");
  expect_error(run_eifkit({"verify", path, "--at", "doc"}),
               "--at: 'doc' is the time of an attestation document; an EIF has none: give now "
               "or an RFC 3339 time");
  EXPECT_EQ(run_eifkit({"verify", path, "--at", "now"}).status, 0);
  ScratchDir dir;
  expect_error(run_eifkit({"verify", dir / "absent.eif"}),
               dir / "absent.eif" + ": cannot open: No such file or directory");
  expect_error(run_eifkit({"verify", path, "--signing-certificate", input("kernel.bin")}),
               input("kernel.bin") + ": not a PEM X.509 certificate");
  expect_error(run_eifkit({"verify"}));
}

TEST(VerifyErrors, ExpiredCertificate) {
  // A one-day certificate from keygen: valid now, expired in 2200, not yet valid in 2000.
  ScratchDir keys, dir;
  Identity id = keygen(keys, "short", "P-384", {"--days", "1"});
  ASSERT_EQ(run_eifkit({"sign", eif_path("two-ramdisks"), "--signing-certificate", id.cert,
                        "--private-key", id.key, "--output", dir / "app.eif"})
                .status,
            0);
  EXPECT_EQ(verify({dir / "app.eif"}, 0)["Verified"], true);
  for (auto [at, shown, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"2200-01-01T00:00:00Z", "2200-01-01T00:00:00+00:00", "expired on "},
           {"2000-01-01T00:00:00Z", "2000-01-01T00:00:00+00:00", "is not valid before "}}) {
    RunResult r = run_eifkit({"verify", dir / "app.eif", "--at", at});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "");
    json v = json::parse(r.out);
    EXPECT_EQ(v["Failed"], json::array({"CertificateValidity"}));
    std::string problem = v["Problems"]["CertificateValidity"];
    EXPECT_THAT(problem, testing::StartsWith("the certificate " + why));
    EXPECT_THAT(problem, testing::EndsWith(" (checked at " + shown + ")"));
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(VerifyErrors, TruncatedSignatureSection) {
  ScratchDir dir;
  const auto original = read_bytes(eif_path("signed"));
  // The file ends inside the signature section.
  auto cut = original;
  cut.resize(original.size() - 1000);
  write_bytes(dir / "cut.eif", cut);
  const std::string past_end = dir / "cut.eif" +
                               ": section 5 (offset 74508, size 2048) extends past the end of "
                               "the file (75568 bytes)";
  expect_error(run_eifkit({"verify", dir / "cut.eif"}), past_end);
  expect_error(run_eifkit({"describe", dir / "cut.eif"}), past_end);

  // The section's CBOR stops half-way; its size, the table and the CRC agree with that.
  auto half = std::vector<uint8_t>(original.begin(), original.begin() + 74508 + 12 + 1024);
  EifHeader h = decode_eif_header(half.data());
  h.section_sizes[5] = 1024;
  auto header = encode_eif_header(h);
  std::copy(header.begin(), header.end(), half.begin());
  auto section_header =
      encode_section_header({static_cast<uint16_t>(SectionType::kSignature), 0, 1024});
  std::copy(section_header.begin(), section_header.end(), half.begin() + 74508);
  fix_crc(half);
  write_bytes(dir / "half.eif", half);
  const std::string not_cbor =
      dir / "half.eif" +
      ": signature section is not valid CBOR: parse error at byte 1025: syntax error while "
      "parsing CBOR number: unexpected end of input";
  expect_error(run_eifkit({"verify", dir / "half.eif"}), not_cbor);
  expect_error(run_eifkit({"describe", dir / "half.eif"}), not_cbor);
  ScratchDir keys;
  Identity id = keygen(keys, "signer");
  expect_error(run_eifkit({"sign", dir / "half.eif", "--signing-certificate", id.cert,
                           "--private-key", id.key}),
               not_cbor);
  EXPECT_EQ(read_bytes(dir / "half.eif"), half);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"cut.eif", "half.eif"}));
}

TEST(VerifyErrors, OversizedSignatureSection) {
  // Written with the library's rewriter, which (unlike sign) does not check what it is given.
  ScratchDir dir;
  EifImage image = open_eif(eif_path("two-ramdisks"));
  rewrite_with_signature(image, std::vector<uint8_t>(40000, 0x80), dir / "big.eif");
  const auto bytes = read_bytes(dir / "big.eif");
  const std::string message =
      dir / "big.eif" + ": signature section is 40000 bytes (at most 32768)";
  expect_error(run_eifkit({"verify", dir / "big.eif"}), message);
  expect_error(run_eifkit({"describe", dir / "big.eif"}), message);
  ScratchDir keys;
  Identity id = keygen(keys, "signer");
  expect_error(run_eifkit({"sign", dir / "big.eif", "--signing-certificate", id.cert,
                           "--private-key", id.key}),
               message);
  expect_error(run_eifkit({"sign", dir / "big.eif", "--signing-certificate", id.cert,
                           "--export-payload", dir / "tbs.bin"}),
               message);
  EXPECT_EQ(read_bytes(dir / "big.eif"), bytes);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"big.eif"});
}

// ---- keygen -----------------------------------------------------------------------------

TEST(CliSignKeygen, WritesKeyAndCertificateAndPrintsThem) {
  ScratchDir dir;
  const std::string key = dir / "signer.key", cert = dir / "signer.pem";
  std::time_t now = std::time(nullptr);
  RunResult r =
      run_eifkit({"keygen", "--private-key", key, "--signing-certificate", cert, "--curve", "P-521",
                  "--days", "10", "--subject", "/C=US/O=Example/CN=enclave-signer"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"signer.key", "signer.pem"}));

  Certificate c = Certificate::from_pem_file(cert);
  json described = c.describe();
  EXPECT_EQ(r.out, printed({{"Certificate", cert},
                            {"Curve", "P-521"},
                            {"NotAfter", described["NotAfter"]},
                            {"NotBefore", described["NotBefore"]},
                            {"PCR8", pcr8_of(cert)},
                            {"PrivateKey", key},
                            {"Subject", "CN=enclave-signer,O=Example,C=US"}}));
  EXPECT_EQ(r.out.find("PRIVATE KEY"), std::string::npos);  // the key is never printed
  EXPECT_EQ(c.curve(), Curve::kP521);
  EXPECT_EQ(described["Algorithm"], "ecdsa-with-SHA512");
  EXPECT_EQ(described["IssuerName"], (json{{"countryName", "US"},
                                           {"organizationName", "Example"},
                                           {"commonName", "enclave-signer"}}));
  EXPECT_TRUE(c.valid_at(now + 5));
  EXPECT_TRUE(c.valid_at(now + 10 * 86400 - 60));
  EXPECT_FALSE(c.valid_at(now + 10 * 86400 + 60));
  PrivateKey k = PrivateKey::from_pem_file(key);
  EXPECT_EQ(k.curve(), Curve::kP521);
  EXPECT_TRUE(k.matches(c));
  EXPECT_TRUE(text(read_bytes(key)).starts_with("-----BEGIN PRIVATE KEY-----\n"));

  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  mode_t mask = ::umask(0);
  ::umask(mask);
  ASSERT_EQ(::stat(cert.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u & ~mask);
  run_tool({"openssl", "verify", "-x509_strict", "-CAfile", cert, cert});
}

TEST(CliSignKeygen, Defaults) {
  ScratchDir dir;
  RunResult r =
      run_eifkit({"keygen", "--private-key", dir / "k", "--signing-certificate", dir / "c"});
  json j = ok_json(r);
  EXPECT_EQ(j["Curve"], "P-384");
  EXPECT_EQ(j["Subject"], "CN=eifkit-enclave-signer");
  Certificate c = Certificate::from_pem_file(dir / "c");
  EXPECT_EQ(c.curve(), Curve::kP384);
  std::time_t now = std::time(nullptr);
  EXPECT_TRUE(c.valid_at(now + 364 * 86400));
  EXPECT_FALSE(c.valid_at(now + 366 * 86400));
}

TEST(CliSignKeygen, RefusesToOverwriteWithoutForce) {
  ScratchDir dir;
  Identity id = keygen(dir, "signer");
  const auto key = read_bytes(id.key), cert = read_bytes(id.cert);
  expect_error(run_eifkit({"keygen", "--private-key", id.key, "--signing-certificate", id.cert}),
               id.key + ": already exists; use --force to replace it");
  // The certificate alone existing is refused too, and no key is made.
  expect_error(
      run_eifkit({"keygen", "--private-key", dir / "new.key", "--signing-certificate", id.cert}),
      id.cert + ": already exists; use --force to replace it");
  EXPECT_EQ(read_bytes(id.key), key);
  EXPECT_EQ(read_bytes(id.cert), cert);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"signer.key", "signer.pem"}));
}

TEST(CliSignKeygen, ForceReplacesAndKeepsTheKeyPrivate) {
  ScratchDir dir;
  Identity id = keygen(dir, "signer");
  const auto key = read_bytes(id.key);
  const std::string old_pcr8 = pcr8_of(id.cert);
  ASSERT_EQ(::chmod(id.key.c_str(), 0644), 0);
  RunResult r = run_eifkit({"keygen", "--private-key", id.key, "--signing-certificate", id.cert,
                            "--curve", "P-256", "--force"});
  json j = ok_json(r);
  EXPECT_EQ(j["Curve"], "P-256");
  EXPECT_NE(read_bytes(id.key), key);
  EXPECT_NE(j["PCR8"], old_pcr8);
  EXPECT_EQ(j["PCR8"], pcr8_of(id.cert));
  struct stat st {};
  ASSERT_EQ(::stat(id.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_TRUE(PrivateKey::from_pem_file(id.key).matches(Certificate::from_pem_file(id.cert)));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"signer.key", "signer.pem"}));
}

TEST(CliSignKeygen, Errors) {
  ScratchDir dir;
  const std::vector<std::string> paths = {"keygen", "--private-key", dir / "k.pem",
                                          "--signing-certificate", dir / "c.pem"};
  expect_error(run_eifkit(concat(paths, {"--curve", "P-999"})),
               "unknown curve \"P-999\": " + kSupported);
  expect_error(run_eifkit(concat(paths, {"--curve", "secp256k1"})),
               "unknown curve \"secp256k1\": " + kSupported);
  expect_error(
      run_eifkit(concat(paths, {"--subject", "CN=x"})),
      "subject \"CN=x\": expected /TYPE=value/..., e.g. /C=US/O=Example/CN=enclave-signer");
  expect_error(run_eifkit(concat(paths, {"--subject", "/XX=1"})),
               "subject \"/XX=1\": unknown attribute type \"XX\"");
  expect_error(run_eifkit(concat(paths, {"--days", "0"})), "--days: must be at least 1");
  expect_error(
      run_eifkit({"keygen", "--private-key", dir / "same", "--signing-certificate", dir / "same"}),
      "--signing-certificate " + dir / "same" +
          ": is also --private-key (the same file); refusing to overwrite it");
  expect_error(
      run_eifkit({"keygen", "--private-key", dir / "k.pem"}));  // --signing-certificate required
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
  // The certificate cannot be written: the key is not left behind either.
  expect_error(run_eifkit({"keygen", "--private-key", dir / "k.pem", "--signing-certificate",
                           dir / "no/c.pem"}),
               dir / "no/c.pem" +
                   ": cannot create a temporary file beside the output: No such file or "
                   "directory");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

// ---- signed builds and `sign`, every curve ------------------------------------------------

class CliSignCurve : public testing::TestWithParam<std::string> {};

TEST_P(CliSignCurve, SignedBuild) {
  ScratchDir keys, dir, plain;
  Identity id = keygen(keys, "signer", GetParam());
  RunResult r = run_eifkit(
      build_args(dir / "app.eif", {"--signing-certificate", id.cert, "--private-key", id.key}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, printed({{"Measurements", measurements_with_pcr8("two-ramdisks", id.cert)}}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});

  json v = verify({dir / "app.eif", "--signing-certificate", id.cert}, 0);
  EXPECT_EQ(v["Verified"], true);
  EXPECT_EQ(v["Measurements"], measurements_with_pcr8("two-ramdisks", id.cert));
  json d = ok_json(run_eifkit({"describe", dir / "app.eif"}));
  EXPECT_EQ(d["SignatureCheck"], true);
  EXPECT_EQ(d["SigningCertificate"], Certificate::from_pem_file(id.cert).describe());
  expect_eif_md_layout(dir / "app.eif", id.cert, GetParam());

  // The unsigned build of the same inputs, plus the signature section.
  ASSERT_EQ(run_eifkit(build_args(plain / "app.eif")).status, 0);
  expect_appended_signature(read_bytes(plain / "app.eif"), read_bytes(dir / "app.eif"));
}

TEST_P(CliSignCurve, SignInPlaceAndToOutput) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer", GetParam());
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);
  const std::string expected =
      printed({{"Measurements", measurements_with_pcr8("two-ramdisks", id.cert)}});

  RunResult out = run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert,
                              "--private-key", id.key, "--output", dir / "signed.eif"});
  EXPECT_EQ(out.status, 0) << out.err;
  EXPECT_EQ(out.err, "");
  EXPECT_EQ(out.out, expected);
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"app.eif", "signed.eif"}));

  RunResult in_place = run_eifkit(
      {"sign", dir / "app.eif", "--signing-certificate", id.cert, "--private-key", id.key});
  EXPECT_EQ(in_place.status, 0) << in_place.err;
  EXPECT_EQ(in_place.out, expected);
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"app.eif", "signed.eif"}));

  for (const std::string& path : {dir / "app.eif", dir / "signed.eif"}) {
    SCOPED_TRACE(path);
    json v = verify({path, "--pcr8", pcr8_of(id.cert)}, 0);
    EXPECT_EQ(v["Measurements"], measurements_with_pcr8("two-ramdisks", id.cert));
    expect_eif_md_layout(path, id.cert, GetParam());
    expect_appended_signature(vector, read_bytes(path));
  }
}

TEST_P(CliSignCurve, TwoStepWithOpensslSignature) {
  const Curve curve = curve_of(GetParam());
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer", GetParam());
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);
  const std::string pcr0_hex = build_json("two-ramdisks")["PCR0"];
  Pcr pcr0{};
  auto pcr0_bytes = *from_hex(pcr0_hex);
  std::copy(pcr0_bytes.begin(), pcr0_bytes.end(), pcr0.begin());
  const std::string algorithm = "sha" + std::to_string(curve_digest_size(curve) * 8);
  const std::string tbs = dir / "tbs.bin", digest_file = tbs + "." + algorithm;

  // Step 1.
  RunResult step1 = run_eifkit(
      {"sign", dir / "app.eif", "--signing-certificate", id.cert, "--export-payload", tbs});
  EXPECT_EQ(step1.status, 0) << step1.err;
  EXPECT_EQ(step1.err, "");
  const auto expected_tbs =
      cose_to_be_signed(cose_algorithm_for(curve), encode_pcr_payload(0, pcr0));
  const auto digest = digest_for_curve(curve, expected_tbs);
  EXPECT_EQ(step1.out, printed({{"Digest", to_hex(digest)},
                                {"DigestAlgorithm", algorithm},
                                {"DigestFile", digest_file},
                                {"PCR0", pcr0_hex},
                                {"PayloadFile", tbs}}));
  EXPECT_EQ(read_bytes(tbs), expected_tbs);
  EXPECT_EQ(read_bytes(digest_file), digest);
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(),
            (std::vector<std::string>{"app.eif", "tbs.bin", "tbs.bin." + algorithm}));

  // The "HSM": openssl signs the digest (DER ECDSA-Sig-Value).
  run_tool({"openssl", "pkeyutl", "-sign", "-inkey", id.key, "-in", digest_file, "-out",
            dir / "sig.der"});
  const auto der = read_bytes(dir / "sig.der");
  ASSERT_EQ(der[0], 0x30);

  // A signature by another key is refused; nothing changes.
  Identity other = keygen(keys, "other", GetParam());
  run_tool({"openssl", "pkeyutl", "-sign", "-inkey", other.key, "-in", digest_file, "-out",
            keys / "other.der"});
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert, "--signature",
                           keys / "other.der"}),
               keys / "other.der" + ": signature does not verify with " + id.cert +
                   "'s key over this image's signing payload");
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);

  // Step 2, DER.
  RunResult step2 = run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert,
                                "--signature", dir / "sig.der", "--output", dir / "signed.eif"});
  EXPECT_EQ(step2.status, 0) << step2.err;
  EXPECT_EQ(step2.out,
            printed({{"Measurements", measurements_with_pcr8("two-ramdisks", id.cert)}}));
  EXPECT_EQ(verify({dir / "signed.eif", "--signing-certificate", id.cert}, 0)["Verified"], true);
  expect_eif_md_layout(dir / "signed.eif", id.cert, GetParam());
  expect_appended_signature(vector, read_bytes(dir / "signed.eif"));
  const auto raw = raw_of_der(der, curve_coordinate_size(curve));
  EXPECT_EQ(signature_parts(dir / "signed.eif").cose.signature, raw);

  // Step 2, raw r‖s, in place: the same signature gives the same file.
  write_bytes(keys / "sig.raw", raw);
  RunResult raw_step = run_eifkit(
      {"sign", dir / "app.eif", "--signing-certificate", id.cert, "--signature", keys / "sig.raw"});
  EXPECT_EQ(raw_step.status, 0) << raw_step.err;
  EXPECT_EQ(read_bytes(dir / "app.eif"), read_bytes(dir / "signed.eif"));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"app.eif", "sig.der", "signed.eif", "tbs.bin",
                                                     "tbs.bin." + algorithm}));
}

INSTANTIATE_TEST_SUITE_P(CliSign, CliSignCurve, testing::Values("P-256", "P-384", "P-521"),
                         curve_param_name);

TEST(CliSignVector, SigningTwoRamdisksChangesOnlyTableCrcAndAppendsTheSection) {
  ScratchDir keys, dir;
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  RunResult r = run_eifkit({"sign", eif_path("two-ramdisks"), "--signing-certificate",
                            input("signing-cert.pem"), "--private-key", input("signing-key.pem"),
                            "--output", dir / "signed.eif"});
  EXPECT_EQ(r.status, 0) << r.err;
  // The reference's signed vector has the same sections and the same PCRs.
  EXPECT_EQ(r.out, printed({{"Measurements", build_json("signed")}}));
  const auto signed_bytes = read_bytes(dir / "signed.eif");
  expect_appended_signature(vector, signed_bytes);
  EifHeader h = decode_eif_header(signed_bytes.data());
  EXPECT_EQ(h.num_sections, 6);
  EXPECT_EQ(h.section_offsets[5], vector.size());
  EXPECT_EQ(h.section_sizes[5], signed_bytes.size() - vector.size() - 12);
  EifImage image = open_eif(dir / "signed.eif");
  EXPECT_EQ(h.crc32, scan_eif(image).computed_crc);
  json v = verify({dir / "signed.eif", "--pcr8", build_json("signed")["PCR8"]}, 0);
  EXPECT_EQ(v["Measurements"], build_json("signed"));
  expect_eif_md_layout(dir / "signed.eif", input("signing-cert.pem"), "P-384");

  // Re-signing replaces the section: still 6 sections, same slot, the rest unchanged.
  Identity id = keygen(keys, "p256", "P-256");
  RunResult again = run_eifkit(
      {"sign", dir / "signed.eif", "--signing-certificate", id.cert, "--private-key", id.key});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out,
            printed({{"Measurements", measurements_with_pcr8("two-ramdisks", id.cert)}}));
  const auto resigned = read_bytes(dir / "signed.eif");
  EifHeader h2 = decode_eif_header(resigned.data());
  EXPECT_EQ(h2.num_sections, 6);
  EXPECT_EQ(h2.section_offsets[5], vector.size());
  expect_appended_signature(vector, resigned);
  expect_eif_md_layout(dir / "signed.eif", id.cert, "P-256");
  EXPECT_EQ(verify({dir / "signed.eif"}, 0)["Verified"], true);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"signed.eif"});
}

TEST(CliSignVector, ResigningTheSignedVectorKeepsItsLayout) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  const auto original = read_bytes(eif_path("signed"));
  RunResult r = run_eifkit({"sign", eif_path("signed"), "--signing-certificate", id.cert,
                            "--private-key", id.key, "--output", dir / "out.eif"});
  EXPECT_EQ(r.status, 0) << r.err;
  const auto out = read_bytes(dir / "out.eif");
  EifHeader before = decode_eif_header(original.data());
  EifHeader after = decode_eif_header(out.data());
  EXPECT_EQ(after.num_sections, before.num_sections);
  EXPECT_EQ(after.section_offsets, before.section_offsets);
  EXPECT_TRUE(std::equal(original.begin() + kEifHeaderSize, original.begin() + 74508,
                         out.begin() + kEifHeaderSize));
  EXPECT_EQ(verify({dir / "out.eif"}, 0)["Measurements"]["PCR8"], pcr8_of(id.cert));
}

TEST(CliSignVector, ImageBuildIsSignedToo) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  const std::string v = vector_path("");
  const std::vector<std::string> args = {"build",
                                         "--image",
                                         test::testdata_path("sample-image.tar"),
                                         "--kernel",
                                         input("kernel.bin"),
                                         "--init",
                                         v + "/ramdisk/init.bin",
                                         "--nsm",
                                         v + "/ramdisk/nsm.ko.bin",
                                         "--build-time",
                                         kBuildTime};
  json plain = ok_json(run_eifkit(concat(args, {"--output", dir / "plain.eif"})));
  json signed_build =
      ok_json(run_eifkit(concat(args, {"--output", dir / "signed.eif", "--signing-certificate",
                                       id.cert, "--private-key", id.key})));
  json expected = plain["Measurements"];
  expected["PCR8"] = pcr8_of(id.cert);
  EXPECT_EQ(signed_build["Measurements"], expected);
  EXPECT_EQ(verify({dir / "signed.eif"}, 0)["Measurements"], expected);
  expect_eif_md_layout(dir / "signed.eif", id.cert, "P-384");
  expect_appended_signature(read_bytes(dir / "plain.eif"), read_bytes(dir / "signed.eif"));
}

// ---- what sign and build refuse ---------------------------------------------------------

TEST(CliSignRefusal, KeyOfAnotherCertificate) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  Identity other = keygen(keys, "other");
  const std::string message =
      other.key + ": this private key does not belong to the certificate " + id.cert;
  expect_error(run_eifkit(build_args(dir / "app.eif", {"--signing-certificate", id.cert,
                                                       "--private-key", other.key})),
               message);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});

  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert,
                           "--private-key", other.key}),
               message);
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert,
                           "--private-key", other.key, "--output", dir / "signed.eif"}),
               message);
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliSignRefusal, RsaAndEd25519) {
  ScratchDir keys, dir;
  run_tool({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
            keys / "rsa.key"});
  run_tool({"openssl", "req", "-x509", "-new", "-key", keys / "rsa.key", "-subj", "/CN=rsa",
            "-days", "1", "-out", keys / "rsa.pem"});
  run_tool({"openssl", "genpkey", "-algorithm", "ed25519", "-out", keys / "ed.key"});
  run_tool({"openssl", "req", "-x509", "-new", "-key", keys / "ed.key", "-subj", "/CN=ed", "-days",
            "1", "-out", keys / "ed.pem"});
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);

  for (const std::string kind : {"rsa", "ed"}) {
    SCOPED_TRACE(kind);
    const std::string key = keys / (kind + ".key"), cert = keys / (kind + ".pem");
    const std::string name = kind == "rsa" ? "RSA" : "Ed25519";
    const std::string key_message = key + ": not an EC private key (" + name + "): " + kSupported;
    const std::string cert_message = cert + ": certificate key is " + name + "; " + kSupported;
    expect_error(run_eifkit(build_args(dir / "new.eif",
                                       {"--signing-certificate", cert, "--private-key", key})),
                 key_message);
    expect_error(
        run_eifkit({"sign", dir / "app.eif", "--signing-certificate", cert, "--private-key", key}),
        cert_message);
    // An EC key with this certificate, and this key with an EC certificate.
    expect_error(
        run_eifkit(build_args(dir / "new.eif", {"--signing-certificate", cert, "--private-key",
                                                input("signing-key.pem")})),
        cert_message);
    expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate",
                             input("signing-cert.pem"), "--private-key", key}),
                 key_message);
    expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", cert,
                             "--export-payload", dir / "tbs.bin"}),
                 cert_message);
    write_bytes(keys / "sig.raw", std::vector<uint8_t>(96, 7));
    expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", cert, "--signature",
                             keys / "sig.raw"}),
                 cert_message);
  }
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliSignRefusal, CertificateTooLargeForTheSection) {
  ScratchDir keys, dir;
  std::string san = "subjectAltName=";
  for (int i = 0; i < 600; ++i) {
    if (i) san += ",";
    san += "DNS:host" + std::to_string(1000 + i) + ".example.com";
  }
  const std::string key = keys / "large.key", cert = keys / "large.pem";
  run_tool({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
            "-nodes", "-keyout", key, "-subj", "/CN=large", "-days", "2", "-addext", san, "-out",
            cert});
  const auto pem = read_bytes(cert);
  auto section_size = [&](const Pcr& pcr0) {
    return encode_signature_section(
               {{pem, encode_cose_sign1(CoseAlgorithm::kES384, encode_pcr_payload(0, pcr0),
                                        std::vector<uint8_t>(96, 0xff))}})
        .size();
  };
  Pcr widest;
  widest.fill(0xff);
  Pcr pcr0{};
  auto pcr0_bytes = *from_hex(build_json("two-ramdisks")["PCR0"].get<std::string>());
  std::copy(pcr0_bytes.begin(), pcr0_bytes.end(), pcr0.begin());
  auto message = [&](size_t n) {
    return cert + ": certificate too large: the signature section would be " + std::to_string(n) +
           " bytes (at most 32768)";
  };

  expect_error(run_eifkit(build_args(dir / "app.eif",
                                     {"--signing-certificate", cert, "--private-key", key})),
               message(section_size(widest)));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);
  expect_error(
      run_eifkit({"sign", dir / "app.eif", "--signing-certificate", cert, "--private-key", key}),
      message(section_size(widest)));
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", cert,
                           "--export-payload", dir / "tbs.bin"}),
               message(section_size(pcr0)));
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliSignRefusal, UsageErrors) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  const auto vector = read_bytes(eif_path("two-ramdisks"));
  write_bytes(dir / "app.eif", vector);
  const std::string modes =
      "sign needs exactly one of --private-key, --export-payload, --signature";
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert}), modes);
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert,
                           "--private-key", id.key, "--export-payload", dir / "tbs.bin"}),
               modes);
  expect_error(run_eifkit({"sign", dir / "app.eif", "--private-key", id.key}),
               "sign needs --signing-certificate");
  expect_error(run_eifkit(build_args(dir / "new.eif", {"--signing-certificate", id.cert})),
               "a signed build needs both --signing-certificate and --private-key");
  expect_error(run_eifkit(build_args(dir / "new.eif", {"--private-key", id.key})),
               "a signed build needs both --signing-certificate and --private-key");
  // Not DER, not raw r‖s of 96 bytes.
  expect_error(run_eifkit({"sign", dir / "app.eif", "--signing-certificate", id.cert, "--signature",
                           input("cmdline.txt")}),
               input("cmdline.txt") +
                   ": not a DER ECDSA signature nor a raw r‖s of 96 bytes for "
                   "P-384");
  expect_error(run_eifkit(
      {"sign", dir / "absent.eif", "--signing-certificate", id.cert, "--private-key", id.key}));
  EXPECT_EQ(read_bytes(dir / "app.eif"), vector);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliSignRefusal, DamagedImage) {
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  auto bytes = read_bytes(eif_path("two-ramdisks"));
  bytes[70000] ^= 0x01;
  write_bytes(dir / "bad.eif", bytes);
  expect_error(run_eifkit({"sign", dir / "bad.eif", "--signing-certificate", id.cert,
                           "--private-key", id.key}),
               dir / "bad.eif" +
                   ": CRC mismatch (header 0x1d8e987f, computed 0xcad57b2d): refusing to sign a "
                   "damaged image");
  EXPECT_EQ(read_bytes(dir / "bad.eif"), bytes);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"bad.eif"});
}

TEST(CliSignRefusal, NoRoomForASignatureSection) {
  // kernel + cmdline + metadata + 29 ramdisks: the 32 sections an EIF holds.
  ScratchDir keys, dir;
  Identity id = keygen(keys, "signer");
  std::vector<std::string> args = {"build",    "--kernel",       input("kernel.bin"),
                                   "--output", dir / "full.eif", "--build-time",
                                   kBuildTime};
  for (int i = 0; i < 29; ++i) args = concat(args, {"--ramdisk", input("ramdisk-empty.bin")});
  ASSERT_EQ(run_eifkit(args).status, 0);
  const auto bytes = read_bytes(dir / "full.eif");
  expect_error(run_eifkit({"sign", dir / "full.eif", "--signing-certificate", id.cert,
                           "--private-key", id.key}),
               dir / "full.eif" + ": has 32 sections: no room for a signature section");
  EXPECT_EQ(read_bytes(dir / "full.eif"), bytes);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"full.eif"});
}

TEST(CliSignHelp, Commands) {
  for (const auto& [command, words] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"keygen",
            {"--private-key", "--signing-certificate", "--curve", "--days", "--subject",
             "--force"}},
           {"sign",
            {"--signing-certificate", "--private-key", "--output", "--export-payload",
             "--signature"}},
           {"verify", {"--signing-certificate", "--pcr0", "--pcr8", "--at"}}}) {
    RunResult r = run_eifkit({command, "--help"});
    EXPECT_EQ(r.status, 0) << r.err;
    for (const auto& w : words) EXPECT_NE(r.out.find(w), std::string::npos) << command << " " << w;
  }
  RunResult top = run_eifkit({"--help"});
  for (const char* w : {"keygen", "sign", "verify"}) {
    EXPECT_NE(top.out.find(w), std::string::npos) << w;
  }
}

}  // namespace
}  // namespace eifkit
