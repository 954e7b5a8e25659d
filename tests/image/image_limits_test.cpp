// The limits of lib/image/image_limits.h: each refuses what it bounds before the work is done,
// with a message naming the entry and how to raise it, and lets everything below it through.
#include "lib/image/image_limits.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/base/file_source.h"
#include "lib/base/spool_file.h"
#include "lib/image/flatten.h"
#include "lib/image/image_source.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::error_of;
using test::TarSpec;
using testing::HasSubstr;

class ImageLimitsTest : public testing::Test {
 protected:
  FlattenedImage flatten(const std::vector<TarSpec>& layer, const ImageLimits& limits) {
    std::string path = dir_ / ("layer" + std::to_string(count_++) + ".tar");
    test::write_layer_tar(path, layer);
    Flattener flattener(limits);
    FileSource source(path);
    TarReader reader(source, "layer.tar");
    flattener.apply_layer(reader, "layer.tar");
    return flattener.finish();
  }
  test::ScratchDir dir_;
  int count_ = 0;
};

TEST_F(ImageLimitsTest, FileContentsAreCountedAsDeclaredAcrossFiles) {
  ImageLimits limits;
  limits.max_file_bytes = 10;
  EXPECT_NO_THROW(flatten({TarSpec::file("a", "12345"), TarSpec::file("b", "12345")}, limits));
  EXPECT_EQ(error_of([&] {
              flatten({TarSpec::file("a", "123456"), TarSpec::file("b", "12345")}, limits);
            }),
            "layer.tar: b: a 5 bytes file would take the image's files past 10 bytes "
            "(EIFKIT_MAX_IMAGE_SIZE raises the limit)");
}

TEST_F(ImageLimitsTest, EntriesAreCountedOverTheImage) {
  ImageLimits limits;
  limits.max_entries = 3;
  EXPECT_NO_THROW(
      flatten({TarSpec::dir("d"), TarSpec::file("d/a", ""), TarSpec::file("b", "")}, limits));
  EXPECT_EQ(error_of([&] {
              flatten({TarSpec::dir("d"), TarSpec::file("d/a", ""), TarSpec::file("b", ""),
                       TarSpec::file("c", "")},
                      limits);
            }),
            "layer.tar: c: the image has more than 3 entries (EIFKIT_MAX_IMAGE_ENTRIES raises "
            "the limit)");
}

TEST_F(ImageLimitsTest, PathsUpToPathMaxAreKeptLongerOnesRefused) {
  // 2047 levels: the deepest tree the limit allows is built, walked and freed.
  std::string deep;
  while (deep.size() + 2 <= kMaxImagePathBytes) deep += deep.empty() ? "d" : "/d";
  deep += "/f";
  deep.resize(kMaxImagePathBytes);
  if (deep.back() == '/') deep.back() = 'f';
  FlattenedImage image = flatten({TarSpec::file(deep, "x")}, ImageLimits{});
  size_t nodes = 0;
  walk_tree(*image.root, "", [&](const std::string&, const FsNode&) { ++nodes; });
  EXPECT_GT(nodes, 2000u);

  std::string too_long(kMaxImagePathBytes + 1, 'a');
  EXPECT_THAT(error_of([&] { flatten({TarSpec::file(too_long, "x")}, ImageLimits{}); }),
              HasSubstr(": path is 4096 bytes long; Linux resolves at most 4095"));
}

TEST(ImageLimits, EnvironmentRaisesTheLimits) {
  ::unsetenv("EIFKIT_MAX_IMAGE_SIZE");
  ::unsetenv("EIFKIT_MAX_IMAGE_ENTRIES");
  EXPECT_EQ(image_limits().max_file_bytes, uint64_t{4} << 30);
  EXPECT_EQ(image_limits().max_entries, 4'000'000u);
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "12G", 1);
  ::setenv("EIFKIT_MAX_IMAGE_ENTRIES", "10000000", 1);
  EXPECT_EQ(image_limits().max_file_bytes, uint64_t{12} << 30);
  EXPECT_EQ(image_limits().max_entries, 10'000'000u);
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "5000", 1);
  EXPECT_EQ(image_limits().max_file_bytes, 5000u);
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "", 1);  // set but empty: the default
  EXPECT_EQ(image_limits().max_file_bytes, uint64_t{4} << 30);
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "16777215T", 1);  // the largest that fits
  EXPECT_EQ(image_limits().max_file_bytes, uint64_t{16777215} << 40);
  ::unsetenv("EIFKIT_MAX_IMAGE_SIZE");
  ::unsetenv("EIFKIT_MAX_IMAGE_ENTRIES");
}

// strtoull would read " -1" as 2^64 - 1: no limit at all. Every override is digits only.
TEST(ImageLimits, AnOverrideThatIsNotAPositiveDecimalIsRefusedNamingIt) {
  const std::string size_rule =
      ": not a size (a positive number of bytes, digits only, optionally with a K, M, G or T "
      "suffix)";
  for (const char* bad : {"lots", " -1", "-1", "+5", "5 ", " 5", "0", "00", "0K", "0x10", "1.5G",
                          "G", "5KB", "1e9"}) {
    SCOPED_TRACE(bad);
    ::setenv("EIFKIT_MAX_IMAGE_SIZE", bad, 1);
    EXPECT_EQ(error_of([] { image_limits(); }),
              "EIFKIT_MAX_IMAGE_SIZE=\"" + std::string(bad) + "\"" + size_rule);
  }
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "18446744073709551616", 1);
  EXPECT_EQ(error_of([] { image_limits(); }),
            "EIFKIT_MAX_IMAGE_SIZE=\"18446744073709551616\": too large (more than 2^64 - 1)");
  ::setenv("EIFKIT_MAX_IMAGE_SIZE", "16777216T", 1);
  EXPECT_EQ(error_of([] { image_limits(); }),
            "EIFKIT_MAX_IMAGE_SIZE=\"16777216T\": too large (more than 2^64 - 1 bytes)");
  ::unsetenv("EIFKIT_MAX_IMAGE_SIZE");
  for (const char* bad : {" -1", "0", "10K", "12 "}) {
    SCOPED_TRACE(bad);
    ::setenv("EIFKIT_MAX_IMAGE_ENTRIES", bad, 1);
    EXPECT_EQ(error_of([] { image_limits(); }),
              "EIFKIT_MAX_IMAGE_ENTRIES=\"" + std::string(bad) +
                  "\": not a count (a positive number of entries, digits only)");
  }
  ::unsetenv("EIFKIT_MAX_IMAGE_ENTRIES");
}

TEST(ImageLimits, SpoolingMoreThanTheDiskHoldsFailsBeforeWriting) {
  test::ScratchDir dir;
  ::setenv("TMPDIR", dir.path().c_str(), 1);
  SpoolFile spool;
  ::unsetenv("TMPDIR");
  EXPECT_NO_THROW(spool.reserve(1 << 20));
  EXPECT_THAT(error_of([&] { spool.reserve(uint64_t{1} << 60); }),
              HasSubstr(dir.path() + " (spool): needs 1152921504606846976 more bytes"));
  EXPECT_EQ(spool.size(), 0u);
}

TEST(ImageLimits, HumanBytes) {
  EXPECT_EQ(human_bytes(700), "700 bytes");
  EXPECT_EQ(human_bytes(uint64_t{4} << 30), "4 GiB");
  EXPECT_EQ(human_bytes(uint64_t{100} << 30), "100 GiB");
  EXPECT_EQ(human_bytes(1536 * 1024), "1.5 MiB");
}

TEST(ImageLimits, DockerArchivesWithTooManyImagesOrLayersAreRefusedUnread) {
  test::ScratchDir dir;
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 4097; ++i) many.push_back({{"Config", "c.json"}, {"Layers", {}}});
  test::write_tar(dir / "many.tar", {{"c.json", "{}"}, {"manifest.json", many.dump()}});
  EXPECT_EQ(
      error_of([&] { open_image(dir / "many.tar", std::nullopt, Platform::parse("linux/amd64")); }),
      dir / "many.tar" + ": manifest.json: lists 4097 images; the limit is 4096");

  nlohmann::json layers = nlohmann::json::array();
  for (int i = 0; i < 1025; ++i) layers.push_back("l.tar");
  nlohmann::json deep = {{{"Config", "c.json"}, {"Layers", layers}}};
  test::write_tar(dir / "deep.tar",
                  {{"c.json", "{}"}, {"l.tar", ""}, {"manifest.json", deep.dump()}});
  EXPECT_EQ(
      error_of([&] { open_image(dir / "deep.tar", std::nullopt, Platform::parse("linux/amd64")); }),
      dir / "deep.tar" + ": manifest.json: entry 1: lists 1025 layers; the limit is 1024");
}

}  // namespace
}  // namespace eifkit
