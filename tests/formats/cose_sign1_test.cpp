// The signature section and COSE_Sign1 encodings, byte for byte as EIF.md states and as the
// reference wrote them into the signed vector.
#include "formats/cose_sign1.h"

#include <gtest/gtest.h>

#include "formats/hex.h"
#include "formats/signature_section.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

std::vector<uint8_t> signed_vector_section() {
  auto eif = test::read_bytes(test::vector_path("eif/signed.eif"));
  const size_t data = 74508 + 12;  // the signature section's data, per signed.describe.json
  return {eif.begin() + data, eif.begin() + data + 2048};
}

TEST(CosePayload, MatchesTheHandComputedExampleOfEifMd) {
  // EIF.md: value 00 17 18 ff -> a2 6e "register_index" 00 6e "register_value" 84 00 17 18 18 18 ff
  std::vector<uint8_t> expected = {0xa2, 0x6e};
  for (char c : std::string("register_index")) expected.push_back(static_cast<uint8_t>(c));
  expected.push_back(0x00);
  expected.push_back(0x6e);
  for (char c : std::string("register_value")) expected.push_back(static_cast<uint8_t>(c));
  for (uint8_t b : {0x84, 0x00, 0x17, 0x18, 0x18, 0x18, 0xff}) expected.push_back(b);
  std::vector<uint8_t> value = {0x00, 0x17, 0x18, 0xff};
  EXPECT_EQ(encode_pcr_payload(0, value), expected);
  std::string problem;
  auto decoded = decode_pcr_payload(expected, problem);
  ASSERT_TRUE(decoded) << problem;
  EXPECT_EQ(decoded->index, 0u);
  EXPECT_EQ(decoded->value, value);
}

TEST(CoseSign1, ProtectedHeadersAndToBeSigned) {
  EXPECT_EQ(to_hex(cose_protected_header(CoseAlgorithm::kES256)), "a10126");
  EXPECT_EQ(to_hex(cose_protected_header(CoseAlgorithm::kES384)), "a1013822");
  EXPECT_EQ(to_hex(cose_protected_header(CoseAlgorithm::kES512)), "a1013823");
  std::vector<uint8_t> payload = {0x01, 0x02};
  // 84 6a "Signature1" 44 a1013822 40 42 0102
  EXPECT_EQ(to_hex(cose_to_be_signed(CoseAlgorithm::kES384, payload)),
            "846a5369676e61747572653144a101382240420102");
}

TEST(SignatureSection, SignedVectorDecodesAndReencodesByteForByte) {
  auto section = signed_vector_section();
  std::string problem;
  auto entries = decode_signature_section(section, problem);
  ASSERT_TRUE(entries) << problem;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].certificate_pem,
            test::read_bytes(test::vector_path("eif/inputs/signing-cert.pem")));
  EXPECT_EQ(encode_signature_section(*entries), section);

  auto cose = decode_cose_sign1((*entries)[0].cose_sign1, problem);
  ASSERT_TRUE(cose) << problem;
  EXPECT_EQ(cose->algorithm, CoseAlgorithm::kES384);
  EXPECT_FALSE(cose->tagged);
  EXPECT_TRUE(cose->unprotected_empty);
  EXPECT_EQ(cose->signature.size(), 96u);
  auto payload = decode_pcr_payload(cose->payload, problem);
  ASSERT_TRUE(payload) << problem;
  EXPECT_EQ(payload->index, 0u);
  auto build = test::read_json(test::vector_path("eif/signed.build.json"));
  EXPECT_EQ(to_hex(payload->value), build["PCR0"]);
  EXPECT_EQ(encode_pcr_payload(0, payload->value), cose->payload);
  EXPECT_EQ(encode_cose_sign1(CoseAlgorithm::kES384, cose->payload, cose->signature),
            (*entries)[0].cose_sign1);
}

TEST(SignatureSection, RefusesOtherShapes) {
  std::string problem;
  std::vector<uint8_t> byte_strings = {0x81, 0xa2, 0x73};  // truncated
  EXPECT_FALSE(decode_signature_section(byte_strings, problem));
  EXPECT_EQ(problem,
            "signature section is not valid CBOR: parse error at byte 4: syntax error while "
            "parsing CBOR string: unexpected end of input");
  // [{"signing_certificate": h'01', "signature": h'02'}]: byte strings, which nitro-cli rejects
  std::vector<uint8_t> bstr = {0x81, 0xa2, 0x73};
  for (char c : std::string("signing_certificate")) bstr.push_back(static_cast<uint8_t>(c));
  bstr.insert(bstr.end(), {0x41, 0x01, 0x69});
  for (char c : std::string("signature")) bstr.push_back(static_cast<uint8_t>(c));
  bstr.insert(bstr.end(), {0x41, 0x02});
  EXPECT_FALSE(decode_signature_section(bstr, problem));
  EXPECT_EQ(problem, "signature section's byte fields are not integer arrays");
  std::vector<uint8_t> not_cose = {0x83, 0x01, 0x02, 0x03};
  EXPECT_FALSE(decode_cose_sign1(not_cose, problem));
  EXPECT_EQ(problem, "not a COSE_Sign1 structure [protected, unprotected, payload, signature]");
}

}  // namespace
}  // namespace eifkit
