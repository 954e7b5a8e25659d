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

// [protected, unprotected, h'', h''] around the given header bytes (each under 24 bytes): the
// envelope's rules need no payload or signature.
std::vector<uint8_t> envelope(const std::vector<uint8_t>& protected_header,
                              const std::vector<uint8_t>& unprotected = {0xa0}) {
  // Byte by byte: GCC 12 -O3 sees a false out-of-bounds in inserting ranges into a vector this
  // small.
  std::vector<uint8_t> out = {0x84, static_cast<uint8_t>(0x40 | protected_header.size())};
  for (uint8_t b : protected_header) out.push_back(b);
  for (uint8_t b : unprotected) out.push_back(b);
  out.push_back(0x40);  // payload h''
  out.push_back(0x40);  // signature h''
  return out;
}

std::string envelope_problem(const std::vector<uint8_t>& bytes) {
  std::string problem;
  return decode_attestation_envelope(bytes, problem) ? "(decoded)" : problem;
}

std::vector<uint8_t> prefixed(std::vector<uint8_t> prefix, const std::vector<uint8_t>& bytes) {
  prefix.insert(prefix.end(), bytes.begin(), bytes.end());
  return prefix;
}

// RFC 9052 §3.1: a critical label the recipient does not understand rejects the message; eifkit
// understands alg (1) only. crit must be a non-empty array of labels, in the protected header.
TEST(AttestationDocument, CriticalHeadersOtherThanAlgAreRefused) {
  const std::vector<uint8_t> alg = {0xa1, 0x01, 0x38, 0x22};  // {1: -35}
  std::string problem;
  std::optional<AttestationEnvelope> plain = decode_attestation_envelope(envelope(alg), problem);
  ASSERT_TRUE(plain) << problem;
  EXPECT_EQ(plain->algorithm, -35);
  // {1: -35, 2: [1]}: alg marked critical is understood.
  std::optional<AttestationEnvelope> crit_alg =
      decode_attestation_envelope(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x81, 0x01}), problem);
  ASSERT_TRUE(crit_alg) << problem;
  EXPECT_EQ(crit_alg->algorithm, -35);

  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x81, 0x18, 0x63})),
            "the protected header marks label 99 critical (crit), which eifkit does not "
            "understand; RFC 9052 requires rejecting the document");
  // [1, 99, -1, "x"]: alg is left out of the labels named.
  EXPECT_EQ(envelope_problem(
                envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x84, 0x01, 0x18, 0x63, 0x20, 0x61, 'x'})),
            "the protected header marks labels 99, -1 and \"x\" critical (crit), which eifkit "
            "does not understand; RFC 9052 requires rejecting the document");
  EXPECT_EQ(envelope_problem(
                envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x86, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08})),
            "the protected header marks labels 3, 4, 5, 6 and 2 more critical (crit), which "
            "eifkit does not understand; RFC 9052 requires rejecting the document");

  const std::string malformed =
      "the protected header's crit (label 2) is not a non-empty array of labels (integers or "
      "text strings), as RFC 9052 requires; the document is rejected";
  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x80})), malformed);  // []
  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x18, 0x63})),
            malformed);  // 99
  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x81, 0x41, 0x01})),
            malformed);  // [h'01']
  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x02, 0x81, 0x81, 0x01})),
            malformed);  // [[1]]

  // {2: [99]} unprotected: crit must be integrity-protected, whatever it lists.
  EXPECT_EQ(envelope_problem(envelope(alg, {0xa1, 0x02, 0x81, 0x18, 0x63})),
            "the unprotected header holds crit (label 2), which RFC 9052 allows only in the "
            "protected header; the document is rejected");
}

TEST(AttestationDocument, AProtectedHeaderThatIsNoMapSaysWhy) {
  // {1: -35, 1: -7}
  EXPECT_EQ(envelope_problem(envelope({0xa2, 0x01, 0x38, 0x22, 0x01, 0x26})),
            "the protected header is not valid CBOR: a duplicate map key 1 at byte 4");
  EXPECT_EQ(envelope_problem(envelope({})), "the protected header is empty: it names no algorithm");
  EXPECT_EQ(envelope_problem(envelope({0x81, 0x01})), "the protected header is not a CBOR map");
}

// Self-described CBOR (55799) changes nothing and is skipped; a COSE_Sign is named as one.
TEST(AttestationDocument, TagsInFrontAreNamedOrSkipped) {
  const std::vector<uint8_t> plain = envelope({0xa1, 0x01, 0x38, 0x22});
  const std::vector<uint8_t> self_described = {0xd9, 0xd9, 0xf7};
  std::string problem;
  for (const auto& [bytes, tagged] : std::vector<std::pair<std::vector<uint8_t>, bool>>{
           {prefixed(self_described, plain), false},
           {prefixed(self_described, prefixed(self_described, plain)), false},
           {prefixed(self_described, prefixed({0xd2}, plain)), true}}) {
    std::optional<AttestationEnvelope> e = decode_attestation_envelope(bytes, problem);
    ASSERT_TRUE(e) << problem;
    EXPECT_EQ(e->tagged, tagged);
    EXPECT_EQ(e->algorithm, -35);
  }
  const std::string cose_sign =
      "a COSE_Sign (tag 98, for several signers), not a COSE_Sign1 (tag 18): an attestation "
      "document has exactly one signer";
  EXPECT_EQ(envelope_problem(prefixed({0xd8, 0x62}, plain)), cose_sign);
  EXPECT_EQ(envelope_problem(prefixed(self_described, prefixed({0xd8, 0x62}, plain))), cose_sign);
  EXPECT_EQ(envelope_problem(prefixed({0xd9, 0xd9, 0xf8}, plain)),
            "tagged 55800, not 18 (COSE_Sign1)");
  // Only in front: inside tag 18 comes the array itself.
  EXPECT_EQ(envelope_problem(prefixed({0xd2}, prefixed(self_described, plain))),
            "not a COSE_Sign1 [protected, unprotected, payload, signature]");
  // [h'', {}, h'', []]: an untagged COSE_Sign's shape.
  EXPECT_EQ(envelope_problem({0x84, 0x40, 0xa0, 0x40, 0x80}),
            "not a COSE_Sign1 [protected, unprotected, payload, signature]: its fourth item is "
            "an array, as a COSE_Sign's signatures (several signers) are; an attestation "
            "document has exactly one signer");
}

}  // namespace
}  // namespace eifkit
