// A flat rootfs tar (docker export) as a one-layer image: plain, gzip or zstd by magic bytes,
// the config given by the caller, and an id derived from that config.
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/image/image_source.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::error_of;

const std::vector<uint8_t> kTar = test::make_tar({{"bin/sh", "#!"}, {"etc/motd", "rootfs"}});
const nlohmann::json kConfig = {
    {"architecture", "arm64"}, {"os", "linux"}, {"config", {{"Cmd", {"/bin/sh"}}}}};

class RootfsTarTest : public testing::TestWithParam<std::string> {};

TEST_P(RootfsTarTest, OpensAsOneLayer) {
  test::ScratchDir dir;
  std::string path = dir / "rootfs.tar";
  std::vector<uint8_t> stored = GetParam() == "gzip"   ? test::gzip_bytes(kTar)
                                : GetParam() == "zstd" ? test::zstd_bytes(kTar)
                                                       : kTar;
  test::write_bytes(path, stored);
  auto image = open_rootfs_tar(path, kConfig, Platform::parse("linux/arm64"));
  const ImageInfo& info = image->info();
  EXPECT_EQ(info.id, test::digest_of(test::to_bytes(kConfig.dump())));
  EXPECT_TRUE(info.repo_tags.empty());
  EXPECT_EQ(info.config, kConfig);
  EXPECT_EQ(info.platform.str(), "linux/arm64");
  EXPECT_EQ(info.source, path);
  ASSERT_EQ(image->layer_count(), 1u);
  EXPECT_EQ(image->open_layer(0)->name(), path);
  EXPECT_EQ(test::read_layers(*image), std::vector<std::vector<uint8_t>>{kTar});
}

INSTANTIATE_TEST_SUITE_P(RootfsCompression, RootfsTarTest,
                         testing::Values("plain", "gzip", "zstd"));

TEST(RootfsTarErrors, MissingFileFailsAtOpen) {
  test::ScratchDir dir;
  EXPECT_EQ(
      error_of([&] { open_rootfs_tar(dir / "none.tar", kConfig, Platform::parse("linux/arm64")); }),
      dir / "none.tar" + ": cannot open: No such file or directory");
}

TEST(RootfsTarErrors, TruncatedZstd) {
  test::ScratchDir dir;
  auto zst = test::zstd_bytes(kTar);
  zst.resize(zst.size() - 3);
  test::write_bytes(dir / "r.tar.zst", zst);
  auto image = open_rootfs_tar(dir / "r.tar.zst", kConfig, Platform::parse("linux/arm64"));
  EXPECT_EQ(error_of([&] { test::read_layers(*image); }),
            dir / "r.tar.zst" + ": truncated zstd data");
}

}  // namespace
}  // namespace eifkit
