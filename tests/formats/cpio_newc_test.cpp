// The newc header codec: exact bytes as linuxkit writes them, padding rules, and malformed
// headers refused with a message saying what is wrong.
#include "formats/cpio_newc.h"

#include <gtest/gtest.h>

#include <string>

namespace eifkit {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

// The `dev` entry of nitro-cli's bootstrap ramdisk, as found in the vector.
const std::string kDevHeader =
    "070701"
    "000002d1"  // ino 721
    "000041ed"  // dir 0755
    "00000000"  // uid
    "00000000"  // gid
    "00000002"  // nlink
    "58f63f08"  // mtime 1492533000
    "00000000"  // filesize
    "00000003"  // dev major
    "00000001"  // dev minor
    "00000000"  // rdev major
    "00000000"  // rdev minor
    "00000004"  // namesize
    "00000000"  // check
    + std::string("dev\0\0\0", 6);

CpioHeader dev_entry() {
  CpioHeader h;
  h.ino = 721;
  h.mode = kCpioDirectory | 0755;
  h.nlink = 2;
  h.mtime = 1492533000;
  h.dev_major = 3;
  h.dev_minor = 1;
  h.name = "dev";
  return h;
}

// A header with every field distinct, to catch swapped fields.
CpioHeader busy_entry() {
  CpioHeader h;
  h.ino = 0x01234567;
  h.mode = kCpioCharDevice | 06755;
  h.uid = 0x89abcdef;
  h.gid = 0xfedcba98;
  h.nlink = 7;
  h.mtime = 0x76543210;
  h.filesize = 0xffffffff;
  h.dev_major = 0x11;
  h.dev_minor = 0x22;
  h.rdev_major = 0x33;
  h.rdev_minor = 0x44;
  h.name = "usr/lib/x86_64-linux-gnu/libc.so.6";
  return h;
}

void expect_equal(const CpioHeader& a, const CpioHeader& b) {
  EXPECT_EQ(a.ino, b.ino);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.uid, b.uid);
  EXPECT_EQ(a.gid, b.gid);
  EXPECT_EQ(a.nlink, b.nlink);
  EXPECT_EQ(a.mtime, b.mtime);
  EXPECT_EQ(a.filesize, b.filesize);
  EXPECT_EQ(a.dev_major, b.dev_major);
  EXPECT_EQ(a.dev_minor, b.dev_minor);
  EXPECT_EQ(a.rdev_major, b.rdev_major);
  EXPECT_EQ(a.rdev_minor, b.rdev_minor);
  EXPECT_EQ(a.name, b.name);
}

std::string problem_of(const std::string& raw) {
  CpioHeader h;
  size_t consumed = 0;
  auto problem = decode_cpio_header(bytes_of(raw), h, consumed);
  return problem.value_or("");
}

TEST(CpioNewc, EncodesLinuxkitDevEntryExactly) {
  EXPECT_EQ(encode_cpio_header(dev_entry()), bytes_of(kDevHeader));
}

TEST(CpioNewc, EncodesLowercaseHex) {
  auto bytes = encode_cpio_header(busy_entry());
  std::string text(bytes.begin(), bytes.begin() + kCpioHeaderSize);
  EXPECT_EQ(text.substr(6, 8), "01234567");
  EXPECT_EQ(text.substr(22, 8), "89abcdef");
  EXPECT_EQ(text.substr(30, 8), "fedcba98");
}

TEST(CpioNewc, HeaderAndNamePaddedToFour) {
  for (size_t len = 1; len <= 12; ++len) {
    CpioHeader h = dev_entry();
    h.name = std::string(len, 'a');
    auto bytes = encode_cpio_header(h);
    EXPECT_EQ(bytes.size() % 4, 0u) << len;
    EXPECT_GE(bytes.size(), kCpioHeaderSize + len + 1);
    EXPECT_LT(bytes.size(), kCpioHeaderSize + len + 1 + 4);
    EXPECT_EQ(bytes.size(), kCpioHeaderSize + len + 1 + cpio_name_padding(len + 1));
    for (size_t i = kCpioHeaderSize + len; i < bytes.size(); ++i) EXPECT_EQ(bytes[i], 0) << len;
  }
}

TEST(CpioNewc, DataPaddedToFour) {
  EXPECT_EQ(cpio_data_padding(0), 0u);
  EXPECT_EQ(cpio_data_padding(1), 3u);
  EXPECT_EQ(cpio_data_padding(2), 2u);
  EXPECT_EQ(cpio_data_padding(3), 1u);
  EXPECT_EQ(cpio_data_padding(4), 0u);
  EXPECT_EQ(cpio_data_padding(12345), 3u);
  EXPECT_EQ(cpio_data_padding(0xffffffffull), 1u);
}

TEST(CpioNewc, DecodeRoundTrip) {
  for (const CpioHeader& h : {dev_entry(), busy_entry()}) {
    auto bytes = encode_cpio_header(h);
    bytes.push_back(0xaa);  // data after the header is not the decoder's business
    CpioHeader back;
    size_t consumed = 0;
    auto problem = decode_cpio_header(bytes, back, consumed);
    ASSERT_FALSE(problem) << *problem;
    expect_equal(back, h);
    EXPECT_EQ(consumed, bytes.size() - 1);
  }
}

TEST(CpioNewc, IncrementalDecodeTellsNameSize) {
  auto bytes = encode_cpio_header(busy_entry());
  CpioFixedPart fixed;
  ASSERT_FALSE(decode_cpio_fixed_part(std::span(bytes).first(kCpioHeaderSize), fixed));
  EXPECT_EQ(fixed.name_size, busy_entry().name.size() + 1);
  EXPECT_TRUE(fixed.header.name.empty());
  ASSERT_FALSE(
      decode_cpio_name(std::span(bytes).subspan(kCpioHeaderSize, fixed.name_size), fixed.header));
  expect_equal(fixed.header, busy_entry());
}

TEST(CpioNewc, AcceptsUppercaseHex) {
  std::string raw = kDevHeader;
  raw.replace(14, 8, "000041ED");
  CpioHeader h;
  size_t consumed = 0;
  ASSERT_FALSE(decode_cpio_header(bytes_of(raw), h, consumed));
  EXPECT_EQ(h.mode, kCpioDirectory | 0755);
}

TEST(CpioNewc, TrailerRecognised) {
  CpioHeader h;
  h.name = "TRAILER!!!";
  EXPECT_TRUE(is_cpio_trailer(h));
  h.name = "TRAILER!!";
  EXPECT_FALSE(is_cpio_trailer(h));
}

TEST(CpioNewc, RejectsBadMagic) {
  std::string raw = kDevHeader;
  raw[5] = '7';
  EXPECT_EQ(problem_of(raw), "cpio \"odc\" format (magic 070707) is not supported, only newc");
  raw[5] = '2';
  EXPECT_EQ(problem_of(raw), "cpio \"crc\" format (magic 070702) is not supported, only newc");
  raw[0] = 'x';
  EXPECT_EQ(problem_of(raw), "not a cpio newc header (bad magic)");
  raw[0] = '\x1f';
  raw[1] = '\x8b';
  EXPECT_EQ(problem_of(raw), "gzip-compressed data, not a cpio archive");
}

TEST(CpioNewc, RejectsNonHexField) {
  std::string raw = kDevHeader;
  raw[6 + 6 * 8 + 3] = 'g';  // filesize
  EXPECT_EQ(problem_of(raw), "cpio header field filesize is not 8 hex digits");
  raw = kDevHeader;
  raw[6 + 11 * 8] = ' ';  // namesize
  EXPECT_EQ(problem_of(raw), "cpio header field namesize is not 8 hex digits");
  raw = kDevHeader;
  raw[6 + 12 * 8 + 7] = '-';  // check
  EXPECT_EQ(problem_of(raw), "cpio header field check is not 8 hex digits");
}

TEST(CpioNewc, RejectsBadNameSize) {
  std::string raw = kDevHeader;
  raw.replace(6 + 11 * 8, 8, "00000000");
  EXPECT_EQ(problem_of(raw), "cpio header has name size 0 (no room for the NUL)");
  raw.replace(6 + 11 * 8, 8, "00001001");
  EXPECT_EQ(problem_of(raw), "cpio header has name size 4097 (at most 4096)");
  raw.replace(6 + 11 * 8, 8, "ffffffff");
  EXPECT_EQ(problem_of(raw), "cpio header has name size 4294967295 (at most 4096)");
}

TEST(CpioNewc, RejectsBadNames) {
  std::string raw = kDevHeader;
  raw[kCpioHeaderSize + 3] = 'x';  // the NUL
  EXPECT_EQ(problem_of(raw), "cpio name is not NUL-terminated");
  raw = kDevHeader;
  raw[kCpioHeaderSize + 1] = '\0';
  EXPECT_EQ(problem_of(raw), "cpio name holds a NUL byte before its end");
  raw = kDevHeader;
  raw.replace(6 + 11 * 8, 8, "00000001");
  raw[kCpioHeaderSize] = '\0';
  EXPECT_EQ(problem_of(raw), "cpio entry has an empty name");
}

TEST(CpioNewc, RejectsTruncatedInput) {
  EXPECT_EQ(problem_of(kDevHeader.substr(0, 109)), "truncated cpio header (109 of 110 bytes)");
  EXPECT_EQ(problem_of(""), "truncated cpio header (0 of 110 bytes)");
  EXPECT_EQ(problem_of(kDevHeader.substr(0, 112)),
            "truncated cpio header (112 of 116 bytes with the name)");
}

}  // namespace
}  // namespace eifkit
