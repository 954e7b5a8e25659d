// Gzip layers are inflated with ISA-L, their headers and trailers read by eifkit: every
// member joined, every header field skipped, and each fault reported in the words of zlib's
// gzip decoder (the reference below), which decoded layers before.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>

#include "lib/base/error.h"
#include "lib/image/decompress.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/memory_streams.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::gzip_bytes;

std::vector<uint8_t> sample(size_t size, uint32_t seed = 12345) {
  std::vector<uint8_t> data(size);
  uint32_t x = seed;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245 + 12345;
    data[i] = static_cast<uint8_t>((i % 5 == 0) ? (x >> 24) : 'a' + (x >> 28));
  }
  return data;
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The output, or "ERROR: message".
struct Result {
  std::vector<uint8_t> out;
  std::string error;
};

Result decompress(const std::vector<uint8_t>& in, size_t step = 65536, size_t out = 1 << 20) {
  Result r;
  try {
    test::SpanSource source(in, step);
    auto plain = open_decompressed(source, "layer.tgz");
    std::vector<uint8_t> buf(out);
    for (size_t n; (n = plain->read(buf)) > 0;)
      r.out.insert(r.out.end(), buf.begin(), buf.begin() + n);
  } catch (const Error& e) {
    r.error = e.what();
  }
  return r;
}

// zlib's gzip decoder as eifkit ran it before ISA-L: members joined, the same messages.
std::string zlib_error(const std::vector<uint8_t>& in) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return "cannot start";
  std::vector<uint8_t> out(1 << 16);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  bool in_member = true;
  std::string error;
  for (;;) {
    if (!in_member) {
      if (z.avail_in == 0) break;
      inflateReset(&z);
      in_member = true;
    }
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      in_member = false;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = std::string("layer.tgz: corrupt gzip data: ") + (z.msg ? z.msg : "invalid stream");
      break;
    }
    if (z.avail_out == out.size() && z.avail_in == 0 && in_member) {
      error = "layer.tgz: truncated gzip data";
      break;
    }
  }
  inflateEnd(&z);
  return error;
}

// A gzip member by hand: the header bytes given, raw deflate, then CRC-32 and ISIZE (each
// changed by the deltas, to damage the trailer).
std::vector<uint8_t> member(std::vector<uint8_t> header, const std::vector<uint8_t>& data,
                            uint32_t crc_delta = 0, uint32_t size_delta = 0) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::vector<uint8_t> body(deflateBound(&z, data.size()) + 64);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = body.data();
  z.avail_out = static_cast<uInt>(body.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  body.resize(z.total_out);
  deflateEnd(&z);
  std::vector<uint8_t> gz = concat(std::move(header), body);
  uint32_t crc = static_cast<uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size())));
  crc += crc_delta;
  uint32_t size = static_cast<uint32_t>(data.size()) + size_delta;
  for (uint32_t v : {crc, size}) {
    for (int i = 0; i < 4; ++i) gz.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  return gz;
}

std::vector<uint8_t> plain_header() {
  return {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
}

// FEXTRA, FNAME, FCOMMENT and FHCRC, with a correct header CRC unless told.
std::vector<uint8_t> full_header(uint16_t hcrc_delta = 0) {
  std::vector<uint8_t> h = {0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 1, 2, 3, 4, 0, 3};
  std::vector<uint8_t> extra = {'A', 'B', 3, 0, 'x', 'y', 'z'};
  h.push_back(static_cast<uint8_t>(extra.size()));
  h.push_back(0);
  h = concat(h, extra);
  h = concat(h, test::to_bytes(std::string("layer.tar") + '\0'));
  h = concat(h, test::to_bytes(std::string("made by hand") + '\0'));
  uint16_t hcrc = static_cast<uint16_t>(crc32(0, h.data(), static_cast<uInt>(h.size())));
  hcrc = static_cast<uint16_t>(hcrc + hcrc_delta);
  h.push_back(static_cast<uint8_t>(hcrc));
  h.push_back(static_cast<uint8_t>(hcrc >> 8));
  return h;
}

TEST(GzipInflateTest, EveryMemberIsDecodedWhateverThePieceSizes) {
  auto a = sample(300000, 1), b = sample(0), c = sample(70000, 3), d = sample(1, 4);
  auto gz =
      concat(concat(concat(gzip_bytes(a), gzip_bytes(b)), member(full_header(), c)), gzip_bytes(d));
  auto all = concat(concat(a, c), d);
  for (size_t step : {size_t{1}, size_t{7}, size_t{4093}, size_t{1} << 20}) {
    for (size_t out : {size_t{1}, size_t{777}, size_t{1} << 20}) {
      if (step == 1 && out == 1) continue;  // slow, and no different from 7 and 1
      Result r = decompress(gz, step, out);
      EXPECT_EQ(r.error, "") << step << " " << out;
      EXPECT_TRUE(r.out == all) << step << " " << out;
    }
  }
}

TEST(GzipInflateTest, HeaderFieldsAreSkippedAndTheirCrcChecked) {
  auto data = sample(50000);
  Result r = decompress(member(full_header(), data), 3, 1000);
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.out == data);
  auto bad = member(full_header(1), data);
  EXPECT_EQ(decompress(bad).error, "layer.tgz: corrupt gzip data: header crc mismatch");
  EXPECT_EQ(zlib_error(bad), "layer.tgz: corrupt gzip data: header crc mismatch");
}

TEST(GzipInflateTest, HeaderFaultsInZlibsWords) {
  auto data = sample(1000);
  auto method = member(plain_header(), data);
  method[2] = 7;
  auto flags = member(plain_header(), data);
  flags[3] = 0x20;
  for (const auto& gz : {method, flags}) {
    EXPECT_EQ(decompress(gz).error, zlib_error(gz));
  }
  EXPECT_EQ(decompress(method).error, "layer.tgz: corrupt gzip data: unknown compression method");
  EXPECT_EQ(decompress(flags).error, "layer.tgz: corrupt gzip data: unknown header flags set");
}

TEST(GzipInflateTest, TrailerFaultsInZlibsWords) {
  auto data = sample(200000);
  auto crc = member(plain_header(), data, 1);
  auto size = member(plain_header(), data, 0, 1);
  EXPECT_EQ(decompress(crc).error, "layer.tgz: corrupt gzip data: incorrect data check");
  EXPECT_EQ(decompress(size).error, "layer.tgz: corrupt gzip data: incorrect length check");
  // zlib checks the CRC as soon as it has it: a wrong one before a cut is still the CRC.
  std::vector<uint8_t> cut(crc.begin(), crc.end() - 2);
  EXPECT_EQ(decompress(cut).error, "layer.tgz: corrupt gzip data: incorrect data check");
  std::vector<uint8_t> cut_ok(size.begin(), size.end() - 2);
  EXPECT_EQ(decompress(cut_ok).error, "layer.tgz: truncated gzip data");
  for (const auto& gz : {crc, size, cut, cut_ok}) EXPECT_EQ(decompress(gz).error, zlib_error(gz));
}

TEST(GzipInflateTest, WhatFollowsAMemberInZlibsWords) {
  auto gz = gzip_bytes(sample(20000));
  for (std::string tail :
       {std::string("\x1f", 1), std::string("\0", 1), std::string("\0\0", 2),
        std::string("\x1f\x8b", 2), std::string("\x1f\x8b\x08", 3), std::string("garbage")}) {
    auto joined = concat(gz, test::to_bytes(tail));
    std::string expected = zlib_error(joined);
    EXPECT_NE(expected, "");
    for (size_t step : {size_t{1}, size_t{65536}}) {
      EXPECT_EQ(decompress(joined, step).error, expected) << tail.size();
    }
  }
}

// Damage anywhere in a member gives zlib's message: ISA-L's refusal hands the member to zlib.
TEST(GzipInflateTest, DamagedDeflateDataInZlibsWords) {
  auto data = sample(100000, 7);
  auto gz = gzip_bytes(data);
  uint32_t x = 99;
  size_t compared = 0, in_deflate_data = 0;
  for (int i = 0; i < 400; ++i) {
    auto bad = gz;
    x = x * 1103515245 + 12345;
    // Half in the first block's code tables, where most faults are more than a CRC's.
    size_t at = 10 + (x >> 8) % (i % 2 ? 200 : bad.size() - 18);
    bad[at] ^= static_cast<uint8_t>(1 + (x >> 3) % 255);
    std::string expected = zlib_error(bad);
    Result r = decompress(bad, 4093, 777);
    EXPECT_EQ(r.error, expected) << "byte " << at;
    compared += !expected.empty();
    // Not caught by the trailer's CRC: ISA-L refused the data and zlib named the fault.
    in_deflate_data +=
        !expected.empty() && expected.find("incorrect data check") == std::string::npos;
  }
  EXPECT_GT(compared, 300u);
  EXPECT_GT(in_deflate_data, 50u);
}

// A layer larger than the part of a member kept for zlib, against gzip -dc of the same file.
TEST(GzipInflateTest, LargeLayerMatchesGzip) {
  test::ScratchDir dir;
  auto data = sample(24 << 20, 11);
  test::write_bytes(dir / "layer.tar", data);
  test::tool_output({"gzip", "-1", "-n", dir / "layer.tar"});
  auto gz = test::read_bytes(dir / "layer.tar.gz");
  std::string expected = test::tool_output({"gzip", "-dc", dir / "layer.tar.gz"});
  Result r = decompress(gz);
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.out.size(), expected.size());
  EXPECT_TRUE(std::equal(r.out.begin(), r.out.end(), expected.begin(),
                         [](uint8_t a, char b) { return a == static_cast<uint8_t>(b); }));
  // Damage past the first MiB: ISA-L's report, still one message naming the blob.
  auto bad = gz;
  bad[gz.size() / 2] ^= 0x55;
  bad[gz.size() / 2 + 1] ^= 0xaa;
  std::string error = decompress(bad).error;
  EXPECT_EQ(error.rfind("layer.tgz: corrupt gzip data: ", 0), 0u) << error;
}

}  // namespace
}  // namespace eifkit
