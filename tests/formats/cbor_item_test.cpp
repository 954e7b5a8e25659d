// The bounded CBOR item decoder: what real attestation documents need (integer map keys,
// non-minimal heads, indefinite lengths, tags), and what hostile bytes must not get.
#include "formats/cbor_item.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace eifkit {
namespace {

using Kind = CborItem::Kind;
using Bytes = std::vector<uint8_t>;

std::string problem_of(const Bytes& b, const CborLimits& limits = {}) {
  std::string problem;
  auto item = decode_cbor_item(b, limits, problem);
  return item ? "(decoded)" : problem;
}

TEST(CborItem, IntegerKeysNonMinimalHeadsAndOffsets) {
  // {1: -35} as QingTian writes it: a1 1a00000001 3a00000022
  Bytes b = {0xa1, 0x1a, 0, 0, 0, 1, 0x3a, 0, 0, 0, 0x22};
  std::string problem;
  CborEncoding enc;
  auto item = decode_cbor_item(b, {}, problem, &enc);
  ASSERT_TRUE(item) << problem;
  ASSERT_EQ(item->kind, Kind::kMap);
  ASSERT_EQ(item->items.size(), 2u);
  EXPECT_EQ(item->items[0].kind, Kind::kUnsigned);
  EXPECT_EQ(item->items[0].value, 1u);
  EXPECT_EQ(item->items[1].kind, Kind::kNegative);
  EXPECT_EQ(item->items[1].value, 34u);  // -1 - 34 = -35
  EXPECT_EQ(item->items[1].offset, 6u);
  EXPECT_EQ(item->items[1].size, 5u);
  EXPECT_EQ(item->size, b.size());
  EXPECT_EQ(enc.non_minimal_heads, 2u);
  EXPECT_EQ(enc.indefinite_items, 0u);
}

TEST(CborItem, IndefiniteMapsArraysAndStrings) {
  // {_ "a": [_ 1, 2], "b": (_ h'01', h'0203')}
  Bytes b = {0xbf, 0x61, 'a',  0x9f, 0x01, 0x02, 0xff, 0x61, 'b',
             0x5f, 0x41, 0x01, 0x42, 0x02, 0x03, 0xff, 0xff};
  std::string problem;
  CborEncoding enc;
  auto item = decode_cbor_item(b, {}, problem, &enc);
  ASSERT_TRUE(item) << problem;
  EXPECT_TRUE(item->indefinite);
  ASSERT_NE(item->find("a"), nullptr);
  EXPECT_EQ(item->find("a")->items.size(), 2u);
  ASSERT_NE(item->find("b"), nullptr);
  EXPECT_EQ(item->find("b")->bytes, (Bytes{1, 2, 3}));
  EXPECT_EQ(item->find("c"), nullptr);
  EXPECT_EQ(enc.indefinite_items, 3u);
}

TEST(CborItem, TagsSimpleValuesAndFloats) {
  std::string problem;
  auto tagged = decode_cbor_item(Bytes{0xd2, 0x80}, {}, problem);  // 18([])
  ASSERT_TRUE(tagged) << problem;
  EXPECT_EQ(tagged->kind, Kind::kTag);
  EXPECT_EQ(tagged->value, 18u);
  EXPECT_EQ(tagged->items.at(0).kind, Kind::kArray);
  auto null = decode_cbor_item(Bytes{0xf6}, {}, problem);
  ASSERT_TRUE(null);
  EXPECT_TRUE(null->is_null());
  auto half = decode_cbor_item(Bytes{0xf9, 0x3c, 0x00}, {}, problem);  // 1.0
  ASSERT_TRUE(half);
  EXPECT_EQ(half->number, 1.0);
}

TEST(CborItem, DeclaredLengthsBeyondTheInputAreRefusedBeforeAllocating) {
  EXPECT_EQ(problem_of({0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
            "a byte string of 9223372036854775807 bytes runs past the end (0 bytes left) at "
            "byte 0");
  EXPECT_EQ(problem_of({0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}),
            "an array declares 9223372036854775807 elements in 1 bytes at byte 0");
  EXPECT_EQ(problem_of({0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}),
            "a map declares 18446744073709551615 elements in 1 bytes at byte 0");
}

TEST(CborItem, MalformedInputGetsOneLineNamingTheByte) {
  EXPECT_EQ(problem_of({}), "no CBOR item: the input is empty at byte 0");
  EXPECT_EQ(problem_of({0x01, 0x02}), "1 bytes after the CBOR item at byte 1");
  EXPECT_EQ(problem_of({0xff}), "a break (0xff) outside an indefinite-length item at byte 0");
  EXPECT_EQ(problem_of({0x1c}), "reserved additional information 28 at byte 0");
  EXPECT_EQ(problem_of({0x19, 0x01}), "the input ends inside an item's head at byte 1");
  EXPECT_EQ(problem_of({0x9f, 0x01}), "the input ends inside an indefinite-length item at byte 2");
  EXPECT_EQ(problem_of({0x3f}),
            "an indefinite length on a major type that cannot have one at byte 0");
  EXPECT_EQ(problem_of({0x5f, 0x61, 'a', 0xff}),
            "a chunk of an indefinite-length string is not a definite string of the same type at "
            "byte 1");
  EXPECT_EQ(problem_of({0xbf, 0x01, 0xff}), "a map key without a value at byte 2");
  EXPECT_EQ(problem_of({0xf8, 0x10}), "a two-byte simple value below 32 at byte 0");
}

TEST(CborItem, DuplicateAndComplexMapKeysAreRefused) {
  // {1: 0, 1: 0}, the second key written non-minimally: the same key.
  EXPECT_EQ(problem_of({0xa2, 0x01, 0x00, 0x18, 0x01, 0x00}), "a duplicate map key 1 at byte 3");
  EXPECT_EQ(problem_of({0xa2, 0x61, 'k', 0x00, 0x61, 'k', 0x01}),
            "a duplicate map key \"k\" at byte 4");
  EXPECT_EQ(problem_of({0xa2, 0x38, 0x22, 0x00, 0x38, 0x22, 0x01}),
            "a duplicate map key -35 at byte 4");
  EXPECT_EQ(problem_of({0xa2, 0x42, 0x00, 0xff, 0x00, 0x42, 0x00, 0xff, 0x01}),
            "a duplicate map key h'00ff' at byte 5");
  // 1 and -2 differ although both have argument 1.
  EXPECT_EQ(problem_of({0xa2, 0x01, 0x00, 0x21, 0x00}), "(decoded)");
  EXPECT_EQ(problem_of({0xa1, 0x80, 0x00}),
            "a map key that is not an integer or a string at byte 1");
}

// What a message shows of a key: diagnostic notation, but never a long or unprintable string.
TEST(CborItem, KeyTextIsDiagnosticNotationOnOneLine) {
  auto key_text = [](const Bytes& b) {
    std::string problem;
    auto item = decode_cbor_item(b, {}, problem);
    return item ? cbor_key_text(*item) : problem;
  };
  EXPECT_EQ(key_text({0x18, 0x63}), "99");
  EXPECT_EQ(key_text({0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
            "18446744073709551615");
  EXPECT_EQ(key_text({0x20}), "-1");
  EXPECT_EQ(key_text({0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
            "-18446744073709551616");
  EXPECT_EQ(key_text({0x62, 'a', 'b'}), "\"ab\"");
  EXPECT_EQ(key_text({0x62, 'a', '\n'}), "(a text string of 2 bytes)");
  EXPECT_EQ(key_text({0x61, '"'}), "(a text string of 1 bytes)");
  Bytes long_text = {0x78, 33};
  long_text.resize(35, 'x');
  EXPECT_EQ(key_text(long_text), "(a text string of 33 bytes)");
  EXPECT_EQ(key_text({0x40}), "h''");
  Bytes long_bytes = {0x58, 33};
  long_bytes.resize(35, 0x00);
  EXPECT_EQ(key_text(long_bytes), "(a byte string of 33 bytes)");
  EXPECT_EQ(key_text({0x80}), "(not an integer or a string)");
}

TEST(CborItem, DepthAndItemCountAreCapped) {
  Bytes deep(100, 0x81);
  deep.push_back(0x00);
  EXPECT_EQ(problem_of(deep, {16, 1000}), "nesting deeper than 16 levels at byte 17");
  Bytes many = {0x98, 0x64};  // an array of 100 zeros
  many.resize(102, 0x00);
  EXPECT_EQ(problem_of(many, {16, 50}), "more than 50 items at byte 51");
  EXPECT_EQ(problem_of(many, {16, 101}), "(decoded)");
}

}  // namespace
}  // namespace eifkit
