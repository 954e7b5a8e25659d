// DSSE's pre-authentication encoding against the protocol's own example, and the envelope's
// JSON shape both ways.
#include "formats/dsse_envelope.h"

#include <gtest/gtest.h>

#include <string>

namespace eifkit {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

std::string problem_of(std::string_view text) {
  std::string problem;
  EXPECT_FALSE(decode_dsse_envelope(bytes(text), problem).has_value()) << text;
  return problem;
}

// github.com/secure-systems-lab/dsse protocol.md, "Test vectors".
TEST(DssePae, IsTheProtocolsExample) {
  std::vector<uint8_t> pae = dsse_pae("http://example.com/HelloWorld", bytes("hello world"));
  EXPECT_EQ(std::string(pae.begin(), pae.end()),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  std::vector<uint8_t> empty = dsse_pae("", {});
  EXPECT_EQ(std::string(empty.begin(), empty.end()), "DSSEv1 0  0 ");
}

TEST(DsseEnvelope, EncodesAndDecodes) {
  DsseEnvelope e{
      "application/vnd.in-toto+json", bytes("{\"a\":1}"), {{"ab12", {0x30, 0x01, 0xff}}}};
  std::string text = encode_dsse_envelope(e);
  EXPECT_EQ(text,
            "{\n  \"payload\": \"eyJhIjoxfQ==\",\n  \"payloadType\": "
            "\"application/vnd.in-toto+json\",\n  \"signatures\": [\n    {\n      \"keyid\": "
            "\"ab12\",\n      \"sig\": \"MAH/\"\n    }\n  ]\n}\n");
  std::string problem;
  auto back = decode_dsse_envelope(bytes(text), problem);
  ASSERT_TRUE(back) << problem;
  EXPECT_EQ(back->payload_type, e.payload_type);
  EXPECT_EQ(back->payload, e.payload);
  ASSERT_EQ(back->signatures.size(), 1u);
  EXPECT_EQ(back->signatures[0].keyid, "ab12");
  EXPECT_EQ(back->signatures[0].sig, e.signatures[0].sig);
  // URL-safe base64 and a signature without keyid, as the protocol allows.
  back = decode_dsse_envelope(bytes(R"({"payload":"eyJhIjoxfQ","payloadType":"t",)"
                                    R"("signatures":[{"sig":"MAH_"}]})"),
                              problem);
  ASSERT_TRUE(back) << problem;
  EXPECT_EQ(back->signatures[0].keyid, "");
}

TEST(DsseEnvelope, RefusesWhatIsNotOne) {
  EXPECT_EQ(problem_of("[]"), "not a DSSE envelope: not a JSON object");
  EXPECT_EQ(problem_of("{").rfind("not a DSSE envelope: invalid JSON: ", 0), 0u);
  EXPECT_EQ(problem_of(R"({"payload":"e30=","signatures":[{"sig":"AA=="}]})"),
            "not a DSSE envelope: payloadType is missing or not a string");
  EXPECT_EQ(problem_of(R"({"payloadType":"t","signatures":[{"sig":"AA=="}]})"),
            "payload is missing or not a string");
  EXPECT_EQ(problem_of(R"({"payload":"e30*","payloadType":"t","signatures":[{"sig":"AA=="}]})"),
            "payload is not base64");
  EXPECT_EQ(problem_of(R"({"payload":"e30=","payloadType":"t","signatures":[]})"),
            "no signatures (an unsigned envelope vouches for nothing)");
  EXPECT_EQ(
      problem_of(R"({"payload":"e30=","payloadType":"t","signatures":[{"keyid":1,"sig":"AA=="}]})"),
      "signatures[0].keyid is not a string");
  EXPECT_EQ(problem_of(R"({"payload":"e30=","payloadType":"t","signatures":[{"sig":"!"}]})"),
            "signatures[0].sig is not base64");
  EXPECT_EQ(problem_of(R"({"payload":"e30=","payloadType":"t","payloadType":"u",)"
                       R"("signatures":[{"sig":"AA=="}]})")
                .rfind("not a DSSE envelope: invalid JSON: duplicate key \"payloadType\"", 0),
            0u);
  std::string many = R"({"payload":"e30=","payloadType":"t","signatures":[)";
  for (int i = 0; i < 17; ++i) many += std::string(i ? "," : "") + R"({"sig":"AA=="})";
  EXPECT_EQ(problem_of(many + "]}"),
            "17 signatures, more than the 16 an envelope of eifkit's may hold");
  EXPECT_EQ(problem_of(std::string(kMaxEnvelopeSize + 1, ' ')), "larger than 8 MiB");
}

}  // namespace
}  // namespace eifkit
