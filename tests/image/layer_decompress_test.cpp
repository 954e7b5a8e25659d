// Layer decompression: format told by magic bytes, streamed in small pieces, several gzip
// members or zstd frames joined, and damaged input reported with the blob's name.
#include "lib/image/decompress.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "lib/base/error.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/memory_streams.h"

namespace eifkit {
namespace {

using test::gzip_bytes;
using test::zstd_bytes;

std::vector<uint8_t> sample(size_t size) {
  std::vector<uint8_t> data(size);
  uint32_t x = 12345;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1103515245 + 12345;
    data[i] = static_cast<uint8_t>((i % 7 == 0) ? (x >> 24) : 'a' + i % 13);
  }
  return data;
}

std::vector<uint8_t> decompress(std::vector<uint8_t> in, size_t step = 4093, size_t out = 777) {
  test::SpanSource source(in, step);
  auto plain = open_decompressed(source, "layer.tgz");
  std::vector<uint8_t> result, buf(out);
  for (size_t n; (n = plain->read(buf)) > 0;)
    result.insert(result.end(), buf.begin(), buf.begin() + n);
  return result;
}

std::string decompress_error(std::vector<uint8_t> in) {
  try {
    decompress(std::move(in));
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(LayerDecompressTest, DetectsByMagicBytes) {
  EXPECT_EQ(detect_compression(std::vector<uint8_t>{0x1f, 0x8b, 8, 0}), Compression::kGzip);
  EXPECT_EQ(detect_compression(std::vector<uint8_t>{0x28, 0xb5, 0x2f, 0xfd}), Compression::kZstd);
  EXPECT_EQ(detect_compression(std::vector<uint8_t>{'b', 'i', 'n', '/'}), Compression::kNone);
  EXPECT_EQ(detect_compression(std::vector<uint8_t>{0x28, 0xb5}), Compression::kNone);
  EXPECT_EQ(detect_compression({}), Compression::kNone);
}

TEST(LayerDecompressTest, PlainDataPassesThrough) {
  auto data = sample(100000);
  EXPECT_EQ(decompress(data, 1), data);
  EXPECT_EQ(decompress({}), std::vector<uint8_t>{});
  EXPECT_EQ(decompress({'x'}), std::vector<uint8_t>{'x'});
}

TEST(LayerDecompressTest, GzipInAnyPieceSize) {
  auto data = sample(1 << 20);
  auto gz = gzip_bytes(data);
  EXPECT_EQ(decompress(gz), data);
  EXPECT_EQ(decompress(gz, 1, 3), data);
  EXPECT_EQ(decompress(gz, 1 << 20, 1 << 20), data);
}

TEST(LayerDecompressTest, GzipMembersAreJoined) {
  auto a = sample(5000), b = sample(7000);
  EXPECT_EQ(decompress(concat(gzip_bytes(a), gzip_bytes(b))), concat(a, b));
}

TEST(LayerDecompressTest, ZstdFramesAreJoined) {
  auto a = sample(1 << 20), b = sample(3000);
  EXPECT_EQ(decompress(zstd_bytes(a)), a);
  EXPECT_EQ(decompress(zstd_bytes(a), 1, 5), a);
  EXPECT_EQ(decompress(concat(zstd_bytes(a), zstd_bytes(b))), concat(a, b));
}

TEST(LayerDecompressTest, TruncatedGzipIsAnError) {
  auto gz = gzip_bytes(sample(100000));
  for (size_t keep : {size_t{2}, size_t{10}, gz.size() / 2, gz.size() - 1}) {
    EXPECT_EQ(decompress_error({gz.begin(), gz.begin() + keep}), "layer.tgz: truncated gzip data")
        << keep;
  }
}

TEST(LayerDecompressTest, CorruptGzipIsAnError) {
  auto gz = gzip_bytes(sample(100000));
  gz[gz.size() - 6] ^= 0xff;  // inside the CRC-32 trailer
  EXPECT_EQ(decompress_error(gz), "layer.tgz: corrupt gzip data: incorrect data check");
  auto trailing = concat(gzip_bytes(sample(10)), test::to_bytes("garbage"));
  EXPECT_EQ(decompress_error(trailing), "layer.tgz: corrupt gzip data: incorrect header check");
}

TEST(LayerDecompressTest, TruncatedOrCorruptZstdIsAnError) {
  auto zst = zstd_bytes(sample(100000));
  EXPECT_EQ(decompress_error({zst.begin(), zst.end() - 1}), "layer.tgz: truncated zstd data");
  EXPECT_EQ(decompress_error({zst.begin(), zst.begin() + 4}), "layer.tgz: truncated zstd data");
  auto bad = zst;
  bad[4] = 0xff;  // frame header descriptor: reserved bit set
  std::string err = decompress_error(bad);
  EXPECT_EQ(err.rfind("layer.tgz: corrupt zstd data: ", 0), 0u) << err;
}

}  // namespace
}  // namespace eifkit
