// decode_bounded: a key given twice in one object is refused with where it is, at any depth
// and in CBOR too, unless the caller keeps the last as Docker does; nesting is capped.
#include "formats/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

namespace eifkit {
namespace {

using nlohmann::json;

std::optional<json> decode(const std::string& text, std::string& problem,
                           DuplicateKeys duplicates = DuplicateKeys::kRefuse) {
  return decode_bounded(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()),
                        JsonSyntax::kJson, kMaxJsonDepth, problem, duplicates);
}

std::string problem_of(const std::string& text) {
  std::string problem;
  EXPECT_FALSE(decode(text, problem).has_value()) << text;
  return problem;
}

TEST(BoundedJson, ADuplicateKeyIsRefusedWithItsPath) {
  EXPECT_EQ(problem_of(R"({"a": 1, "a": 2})"),
            "duplicate key \"a\" in the top-level object (readers disagree on which one counts)");
  EXPECT_EQ(
      problem_of(R"({"Statement": [{"Effect": "Allow"}, {"Condition": {"X": {}, "X": {}}}]})"),
      "duplicate key \"X\" in Statement[1].Condition (readers disagree on which one "
      "counts)");
  EXPECT_EQ(problem_of(R"([[{"k": {"a\"b": 1, "a\"b": 1}}]])"),
            "duplicate key \"a\\\"b\" in [0][0].k (readers disagree on which one counts)");
}

TEST(BoundedJson, TheSameKeyInSiblingObjectsIsFine) {
  std::string problem;
  std::optional<json> j = decode(R"([{"a": 1}, {"a": 2}, {"b": {"a": 3}}])", problem);
  ASSERT_TRUE(j.has_value()) << problem;
  EXPECT_EQ((*j)[1]["a"], 2);
}

TEST(BoundedJson, KeepLastIsWhatDockerDoes) {
  std::string problem;
  std::optional<json> j =
      decode(R"({"Cmd": ["a"], "Cmd": ["b"]})", problem, DuplicateKeys::kKeepLast);
  ASSERT_TRUE(j.has_value()) << problem;
  EXPECT_EQ((*j)["Cmd"], json({"b"}));
}

TEST(BoundedJson, ADuplicateCborKeyIsRefusedToo) {
  // {"a": 1, "a": 2}
  const std::vector<uint8_t> cbor = {0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02};
  std::string problem;
  EXPECT_FALSE(decode_bounded(cbor, JsonSyntax::kCbor, 8, problem).has_value());
  EXPECT_EQ(problem,
            "duplicate key \"a\" in the top-level object (readers disagree on which one "
            "counts)");
}

TEST(BoundedJson, NestingIsCapped) {
  std::string problem;
  EXPECT_FALSE(decode(std::string(100, '[') + std::string(100, ']'), problem).has_value());
  EXPECT_EQ(problem, "nesting deeper than 64 levels");
}

}  // namespace
}  // namespace eifkit
