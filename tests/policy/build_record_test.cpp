// The build record of each vector: PCRs as the reference builder printed them, the file's
// digests and size, image, build and signer facts; loading records and EIFs; the refusals.
#include "lib/policy/build_record.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/eif/eif_reader.h"
#include "lib/hash/crc32.h"
#include "lib/hash/sha256.h"
#include "lib/hash/sha384.h"
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/ecdsa_signature.h"
#include "lib/signing/private_key.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::read_json;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

std::string eif_path(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}

json build_json(const std::string& name) {
  return read_json(vector_path("eif/" + name + ".build.json"));
}

void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// The message of the Error that `f` throws.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// An EIF's bytes with the header CRC recomputed (sections are contiguous from byte 548).
void fix_crc(std::vector<uint8_t>& eif) {
  uint32_t crc = crc32_update(0, std::span(eif).first(544));
  crc = crc32_update(crc, std::span(eif).subspan(548));
  for (int i = 0; i < 4; ++i) eif[544 + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
}

// ---- Records of the vectors -----------------------------------------------------------------

class RecordOfVector : public testing::TestWithParam<std::string> {};

TEST_P(RecordOfVector, MeasurementsAndDigestsOfTheFile) {
  const std::string path = eif_path(GetParam());
  json record = build_record_from_eif(path);
  EXPECT_EQ(record["RecordVersion"], 1);
  EXPECT_EQ(record["Measurements"], build_json(GetParam()));
  std::vector<uint8_t> bytes = read_bytes(path);
  EXPECT_EQ(record["Eif"]["Path"], path);
  EXPECT_EQ(record["Eif"]["Sha256"], to_hex(sha256(bytes)));
  EXPECT_EQ(record["Eif"]["Sha384"], to_hex(sha384(bytes)));
  EXPECT_EQ(record["Eif"]["Size"], bytes.size());
}

TEST_P(RecordOfVector, ImageAndBuildFromTheMetadata) {
  json record = build_record_from_eif(eif_path(GetParam()));
  json describe = read_json(vector_path("eif/" + GetParam() + ".describe.json"));
  const json& metadata = describe["Metadata"];
  EXPECT_EQ(record["Image"]["Name"], metadata["ImageName"]);
  EXPECT_EQ(record["Image"]["Version"], metadata["ImageVersion"]);
  EXPECT_EQ(record["Image"]["Digest"], nullptr);  // no DockerInfo in the vectors
  EXPECT_EQ(record["Image"]["Platform"], GetParam() == "aarch64" ? "linux/arm64" : "linux/amd64");
  EXPECT_EQ(record["BuildTime"], metadata["BuildMetadata"]["BuildTime"]);
  EXPECT_EQ(record["BuildTool"], metadata["BuildMetadata"]["BuildTool"]);
  EXPECT_EQ(record["BuildToolVersion"], metadata["BuildMetadata"]["BuildToolVersion"]);
  EXPECT_EQ(record["Signer"].is_null(), GetParam() != "signed");
}

TEST_P(RecordOfVector, LoadRecordOfTheEifIsTheSame) {
  EXPECT_EQ(load_record(eif_path(GetParam())), build_record_from_eif(eif_path(GetParam())));
}

INSTANTIATE_TEST_SUITE_P(Vectors, RecordOfVector,
                         testing::Values("aarch64", "custom-metadata", "empty-app-ramdisk",
                                         "one-ramdisk", "signed", "three-ramdisks", "two-ramdisks"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(BuildRecord, SignedVectorNamesItsSigner) {
  json signer = build_record_from_eif(eif_path("signed"))["Signer"];
  EXPECT_EQ(signer, json::parse(R"({
    "Subject": "CN=vector-signer,O=eifkit test vectors,C=US",
    "Sha256Fingerprint": "f9e6e8e2a88eb27023cfcc448246f72be4e771ff4797c07738ebcf75f4df9265",
    "NotBefore": "2026-11-22T22:43:31+00:00",
    "NotAfter": "2126-10-29T22:43:31+00:00"
  })"));
  // The fingerprint is of the certificate's DER, the bytes PCR8 measures.
  std::vector<uint8_t> pem = read_bytes(vector_path("eif/inputs/signing-cert.pem"));
  EXPECT_EQ(signer["Sha256Fingerprint"], Certificate::from_pem(pem, "cert").sha256_fingerprint());
}

TEST(BuildRecord, WholeRecordOfTheSignedVector) {
  const std::string path = eif_path("signed");
  json expected = json::parse(R"({
    "RecordVersion": 1,
    "Eif": {
      "Sha256": "09a807054c685f21675de147e6b60548659d8395b0ae56910dd75bd2a3730ba8",
      "Sha384": "9e94cbf9bdaa809c63b46369035b9ba823912aae61fa76e949d0ad24dddc30337617b1eae3f08e06f35f649b5841da14",
      "Size": 76568
    },
    "Measurements": {
      "HashAlgorithm": "Sha384 { ... }",
      "PCR0": "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18db",
      "PCR1": "39d080b5616c237f71c6758aaf69153da99f817093c08d022008294563188cbc2f2ae6637dc240ec1ffb1b56aed9d277",
      "PCR2": "e7ce00e68e557da1b82a08b4b8e6bc993d47ed12813b944598249024f993605aadd6da944a15a618aea1ab51adbfc507",
      "PCR8": "cadbe917b14cd5f1fc3c1696454e8fbd313d2a1e67f4256dc9c9714da7c2ba63b5f85b29f93660d4cf212f7437a9da61"
    },
    "Image": {"Name": "vec-img", "Version": "vec-img", "Digest": null, "Platform": "linux/amd64"},
    "BuildTime": "2024-01-01T00:00:00+00:00",
    "BuildTool": "eif_build",
    "BuildToolVersion": "0.3.1",
    "InitSha384": null,
    "Signer": {
      "Subject": "CN=vector-signer,O=eifkit test vectors,C=US",
      "Sha256Fingerprint": "f9e6e8e2a88eb27023cfcc448246f72be4e771ff4797c07738ebcf75f4df9265",
      "NotBefore": "2026-11-22T22:43:31+00:00",
      "NotAfter": "2126-10-29T22:43:31+00:00"
    }
  })");
  expected["Eif"]["Path"] = path;
  EXPECT_EQ(build_record_from_eif(path), expected);
}

TEST(BuildRecord, RefusesACrcMismatch) {
  ScratchDir dir;
  std::vector<uint8_t> bytes = read_bytes(eif_path("two-ramdisks"));
  bytes[600] ^= 1;  // inside the kernel
  write_bytes(dir / "bad.eif", bytes);
  std::string message = error_of([&] { build_record_from_eif(dir / "bad.eif"); });
  EXPECT_TRUE(message.starts_with(dir / "bad.eif" + ": CRC mismatch (header 0x")) << message;
}

TEST(BuildRecord, RefusesASignatureThatDoesNotCheck) {
  // A kernel byte changed and the CRC fixed: PCR0 is no longer what the signature signs.
  ScratchDir dir;
  std::vector<uint8_t> bytes = read_bytes(eif_path("signed"));
  bytes[600] ^= 1;
  fix_crc(bytes);
  write_bytes(dir / "tampered.eif", bytes);
  EXPECT_EQ(error_of([&] { build_record_from_eif(dir / "tampered.eif"); }),
            dir / "tampered.eif" +
                ": signature does not check (signed payload is not {0, PCR0} of this image): "
                "nitro-cli would not run this image, so no record is made of it");
}

TEST(BuildRecord, RefusesAFileThatIsNotAnEif) {
  EXPECT_EQ(error_of([] { build_record_from_eif(vector_path("eif/inputs/kernel.bin")); }),
            vector_path("eif/inputs/kernel.bin") + ": not an EIF (bad magic)");
}

// ---- load_record ----------------------------------------------------------------------------

TEST(LoadRecord, ARecordFileRoundTrips) {
  ScratchDir dir;
  json record = build_record_from_eif(eif_path("signed"));
  write_text(dir / "build.json", record.dump(2));
  EXPECT_EQ(load_record(dir / "build.json"), record);
}

TEST(LoadRecord, NitroCliBuildOutputIsARecord) {
  ScratchDir dir;
  json output = {{"Measurements", build_json("two-ramdisks")}};
  write_text(dir / "nitro.json", output.dump());
  EXPECT_EQ(load_record(dir / "nitro.json"), output);
}

TEST(LoadRecord, PcrsComeBackLowercaseAndAZeroPcr8MeansUnsigned) {
  ScratchDir dir;
  json m = build_json("two-ramdisks");
  std::string upper = m["PCR0"];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  json record = {{"Measurements", m}};
  record["Measurements"]["PCR0"] = upper;
  record["Measurements"]["PCR8"] = std::string(96, '0');
  write_text(dir / "r.json", record.dump());
  EXPECT_EQ(load_record(dir / "r.json"), json({{"Measurements", m}}));
}

struct BadRecord {
  const char* name;
  std::string text;
  std::string message;  // after "PATH: "
};

void PrintTo(const BadRecord& b, std::ostream* os) {
  *os << b.name;
}

class LoadRecordRefuses : public testing::TestWithParam<BadRecord> {};

TEST_P(LoadRecordRefuses, WithOneLineNamingTheFile) {
  ScratchDir dir;
  write_text(dir / "r.json", GetParam().text);
  EXPECT_EQ(error_of([&] { load_record(dir / "r.json"); }),
            dir / "r.json" + ": " + GetParam().message);
}

const std::string kPcr0 =
    "00f8ba2ee8220a4856616b6cc56c2e0f468cc427f59c0b48b4f52d66fc3807b36139dad448d7a1dc88a4a779370b18"
    "db";

INSTANTIATE_TEST_SUITE_P(
    Records, LoadRecordRefuses,
    testing::Values(
        BadRecord{"NotJson", "{",
                  "invalid JSON: parse error at line 1, column 2: syntax error while parsing "
                  "object key - unexpected end of input; expected string literal"},
        BadRecord{"NotAnObject", "[1]", "not a build record or an EIF (expected a JSON object)"},
        BadRecord{"NoMeasurements", R"({"RecordVersion": 1})", "missing \"Measurements\""},
        BadRecord{"FutureVersion",
                  R"({"RecordVersion": 2, "Measurements": {"HashAlgorithm": "Sha384 { ... }"}})",
                  "RecordVersion 2 is not supported (this eifkit reads 1)"},
        BadRecord{"NoHashAlgorithm", R"({"Measurements": {"PCR0": ")" + kPcr0 + R"("}})",
                  "Measurements: missing \"HashAlgorithm\""},
        BadRecord{"UnknownHashAlgorithm", R"({"Measurements": {"HashAlgorithm": "Md5"}})",
                  "Measurements.HashAlgorithm \"Md5\" is not one of Sha384 { ... }, "
                  "Sha256 { ... }, Sha512 { ... }"},
        BadRecord{"ShortPcr",
                  R"({"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR0": "abcd"}})",
                  "Measurements.PCR0 is not 96 hexadecimal digits (a Sha384 PCR)"},
        BadRecord{"NotHex",
                  R"({"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR2": ")" +
                      std::string(95, 'a') + R"(g"}})",
                  "Measurements.PCR2 is not 96 hexadecimal digits (a Sha384 PCR)"},
        BadRecord{"PcrNotAString",
                  R"({"Measurements": {"HashAlgorithm": "Sha384 { ... }", "PCR1": 7}})",
                  "Measurements.PCR1 is not 96 hexadecimal digits (a Sha384 PCR)"},
        BadRecord{
            "Sha256PcrOfSha384Length",
            R"({"Measurements": {"HashAlgorithm": "Sha256 { ... }", "PCR0": ")" + kPcr0 + R"("}})",
            "Measurements.PCR0 is not 64 hexadecimal digits (a Sha256 PCR)"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace eifkit
