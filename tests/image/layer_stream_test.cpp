// The checked layer stream: digest and size of the blob as stored, diff_id of what it
// decompresses to, checked at the end of the stream or by finish(), and failing for good.
#include "lib/image/layer_stream.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lib/base/error.h"
#include "tests/support/image_fixtures.h"

namespace eifkit {
namespace {

using test::digest_of;
using test::gzip_bytes;
using test::to_bytes;

class Bytes : public ByteSource {
 public:
  explicit Bytes(std::vector<uint8_t> data) : data_(std::move(data)) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = std::min(buf.size(), data_.size() - pos_);
    if (n > 0) std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::vector<uint8_t> data_;
  size_t pos_ = 0;
};

std::unique_ptr<LayerStream> stream(const std::vector<uint8_t>& blob, LayerChecks checks) {
  return make_layer_stream(std::make_unique<Bytes>(blob), "app.tar: blobs/sha256/ab", checks);
}

std::string finish_error(LayerStream& s) {
  try {
    s.finish();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

const std::vector<uint8_t> kTar = test::make_tar({{"etc/motd", "hello\n"}});

TEST(LayerStreamTest, MatchingBlobStreamsAndFinishes) {
  auto gz = gzip_bytes(kTar);
  auto s = stream(gz, {digest_of(gz), gz.size(), digest_of(kTar)});
  EXPECT_EQ(s->name(), "app.tar: blobs/sha256/ab");
  std::vector<uint8_t> buf(100);
  ASSERT_EQ(s->read(buf), 100u);  // the tar reader stops early; finish() drains the rest
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + 8), "etc/motd");
  s->finish();
  EXPECT_EQ(s->read(buf), 0u);
}

TEST(LayerStreamTest, DigestMismatchNamesBothDigests) {
  auto gz = gzip_bytes(kTar);
  std::string wrong = digest_of(to_bytes("other"));
  auto s = stream(gz, {wrong, std::nullopt, digest_of(kTar)});
  EXPECT_EQ(finish_error(*s), "app.tar: blobs/sha256/ab: content " + digest_of(gz) +
                                  " does not match digest " + wrong);
  // Still failing afterwards: a swallowed error cannot turn into a clean finish.
  EXPECT_EQ(finish_error(*s), "app.tar: blobs/sha256/ab: content " + digest_of(gz) +
                                  " does not match digest " + wrong);
}

TEST(LayerStreamTest, DiffIdMismatchNamesBothDigests) {
  std::string wrong = digest_of(to_bytes("other"));
  auto s = stream(kTar, {digest_of(kTar), std::nullopt, wrong});
  EXPECT_EQ(finish_error(*s), "app.tar: blobs/sha256/ab: uncompressed content " + digest_of(kTar) +
                                  " does not match diff_id " + wrong + " in the config");
}

TEST(LayerStreamTest, SizeMismatchIsAnError) {
  auto s = stream(kTar, {std::nullopt, kTar.size() + 1, std::nullopt});
  EXPECT_EQ(finish_error(*s), "app.tar: blobs/sha256/ab: blob is " + std::to_string(kTar.size()) +
                                  " bytes, its descriptor says " + std::to_string(kTar.size() + 1));
}

TEST(LayerStreamTest, TamperedCompressedBlobReportsItsDigest) {
  auto gz = gzip_bytes(kTar);
  std::string expected = digest_of(gz);
  gz.resize(gz.size() - 4);
  auto s = stream(gz, {expected, std::nullopt, std::nullopt});
  EXPECT_EQ(finish_error(*s), "app.tar: blobs/sha256/ab: content " + digest_of(gz) +
                                  " does not match digest " + expected);
  // Without a digest to check, the decompressor's own finding stands.
  auto unnamed = stream(gz, {});
  EXPECT_EQ(finish_error(*unnamed), "app.tar: blobs/sha256/ab: truncated gzip data");
}

}  // namespace
}  // namespace eifkit
