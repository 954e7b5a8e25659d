// Every attestation vector decodes (or fails to) as the independent checker found, with every
// field it recorded: ../shared/vectors/attestation/NAME.expected.json.
#include "formats/attestation_document.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The checker's shape: {"present": false}, {"present": true, "null": true}, or the bytes.
json field_json(const OptionalBytesField& f) {
  if (!f.present) return {{"present", false}};
  if (f.null) return {{"present", true}, {"null", true}};
  return {{"present", true}, {"null", false}, {"len", f.bytes.size()}, {"hex", to_hex(f.bytes)}};
}

class AttestationVector : public testing::TestWithParam<std::string> {};

TEST_P(AttestationVector, DecodesAsTheIndependentCheckerFound) {
  const std::string base = test::vector_path("attestation/" + GetParam());
  json expected = test::read_json(base + ".expected.json");
  std::vector<uint8_t> bytes = test::read_bytes(base + ".cbor");
  ASSERT_EQ(bytes.size(), expected["input_len"]);

  std::string problem;
  std::optional<AttestationEnvelope> env = decode_attestation_envelope(bytes, problem);
  std::optional<AttestationDocument> doc;
  if (env) doc = decode_attestation_payload(env->payload, problem);
  ASSERT_EQ(doc.has_value(), expected["checks"]["decode"].get<bool>()) << problem;
  if (!doc) {
    EXPECT_FALSE(problem.empty());
    return;
  }
  EXPECT_EQ(env->tagged, expected["cose_tagged"]);
  EXPECT_EQ(to_hex(env->protected_header), expected["protected_header_hex"]);
  EXPECT_EQ(env->algorithm,
            expected["alg"] == "ES384" ? std::optional<int64_t>(-35) : std::nullopt);
  EXPECT_EQ(env->unprotected_empty, expected["unprotected_header"].empty());
  EXPECT_EQ(env->signature.size(), expected["signature_len"]);
  EXPECT_EQ(env->payload.size(), expected["payload_len"]);
  EXPECT_EQ(env->encoding.indefinite_items, expected["envelope_encoding"]["indefinite_items"]);
  EXPECT_EQ(env->encoding.non_minimal_heads, expected["envelope_encoding"]["non_minimal_heads"]);
  EXPECT_EQ(doc->encoding.indefinite_items, expected["payload_encoding"]["indefinite_items"]);
  EXPECT_EQ(doc->encoding.non_minimal_heads, expected["payload_encoding"]["non_minimal_heads"]);
  EXPECT_EQ(doc->indefinite_map, expected["payload_map_indefinite_length"]);

  EXPECT_EQ(doc->module_id, expected["module_id"]);
  EXPECT_EQ(doc->digest, expected["digest"]);
  EXPECT_EQ(doc->timestamp_ms, expected["timestamp_ms"]);
  EXPECT_EQ(doc->pcrs.size(), expected["pcr_count"]);
  json pcrs = json::object();
  for (const auto& [index, value] : doc->pcrs) pcrs[std::to_string(index)] = to_hex(value);
  EXPECT_EQ(pcrs, expected["pcrs"]);
  EXPECT_EQ(doc->cabundle.size(), expected["cabundle_len"]);
  EXPECT_EQ(!doc->certificate.empty(), expected["certificate_present"]);
  for (const char* key : {"public_key", "user_data", "nonce"}) {
    const OptionalBytesField& f = std::string(key) == "public_key"  ? doc->public_key
                                  : std::string(key) == "user_data" ? doc->user_data
                                                                    : doc->nonce;
    EXPECT_EQ(field_json(f), expected[key]) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, AttestationVector,
                         testing::ValuesIn(test::attestation_vector_names()), [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(AttestationDocument, MissingAndMistypedFieldsAreNamed) {
  std::string problem;
  // {"module_id": "m"}: no digest.
  std::vector<uint8_t> b = {0xa1, 0x69, 'm', 'o', 'd', 'u', 'l', 'e', '_', 'i', 'd', 0x61, 'm'};
  EXPECT_FALSE(decode_attestation_payload(b, problem));
  EXPECT_EQ(problem, "payload has no digest");
  // {"module_id": "caf\xe9"}: identifiers reach JSON and terminals, so only printable ASCII.
  std::vector<uint8_t> latin1 = {0xa1, 0x69, 'm', 'o',  'd', 'u', 'l', 'e',
                                 '_',  'i',  'd', 0x64, 'c', 'a', 'f', 0xe9};
  EXPECT_FALSE(decode_attestation_payload(latin1, problem));
  EXPECT_EQ(problem, "module_id is not printable ASCII text");
  EXPECT_FALSE(decode_attestation_payload(std::vector<uint8_t>{0x80}, problem));
  EXPECT_EQ(problem, "payload is not a CBOR map");
  EXPECT_FALSE(decode_attestation_envelope(std::vector<uint8_t>{0xd1, 0x80}, problem));
  EXPECT_EQ(problem, "tagged 17, not 18 (COSE_Sign1)");
  EXPECT_FALSE(
      decode_attestation_envelope(std::vector<uint8_t>{0x84, 0x40, 0xa0, 0x40, 0x01}, problem));
  EXPECT_EQ(problem, "not a COSE_Sign1 [protected, unprotected, payload, signature]");
}

}  // namespace
}  // namespace eifkit
