#include "formats/base64.h"

#include <gtest/gtest.h>

namespace eifkit {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

TEST(Base64, DecodesWhatItEncodesWithAndWithoutPadding) {
  for (std::string_view s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string encoded = base64_encode(s);
    EXPECT_EQ(base64_decode(encoded), bytes(s)) << encoded;
    std::string bare = encoded.substr(0, encoded.find('='));
    EXPECT_EQ(base64_decode(bare), bytes(s)) << bare;
  }
}

TEST(Base64, DecodesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64_decode("-_8"), (std::vector<uint8_t>{0xfb, 0xff}));
  EXPECT_EQ(base64_decode("+/8="), (std::vector<uint8_t>{0xfb, 0xff}));
}

TEST(Base64, RefusesBadCharactersLengthsAndTrailingBits) {
  EXPECT_EQ(base64_decode("Zm9v!"), std::nullopt);
  EXPECT_EQ(base64_decode("Z"), std::nullopt);
  EXPECT_EQ(base64_decode("Zh=="), std::nullopt);  // the low bits of 'h' are not zero
  EXPECT_EQ(base64_decode("Zm9v\n"), std::nullopt);
  EXPECT_EQ(base64_decode("+_8="), std::nullopt);  // the two alphabets mixed
}

}  // namespace
}  // namespace eifkit
