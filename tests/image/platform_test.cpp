// --platform strings and the matching rule that picks an image from an index.
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/image/image_source.h"

namespace eifkit {
namespace {

TEST(PlatformTest, ParsesOsArchAndVariant) {
  Platform p = Platform::parse("linux/arm64/v8");
  EXPECT_EQ(p.os, "linux");
  EXPECT_EQ(p.architecture, "arm64");
  EXPECT_EQ(p.variant, "v8");
  EXPECT_EQ(p.str(), "linux/arm64/v8");
  EXPECT_EQ(Platform::parse("linux/amd64").str(), "linux/amd64");
}

TEST(PlatformTest, AcceptsKernelArchitectureNames) {
  EXPECT_EQ(Platform::parse("linux/x86_64").architecture, "amd64");
  EXPECT_EQ(Platform::parse("linux/aarch64").architecture, "arm64");
}

TEST(PlatformTest, RejectsMalformedStrings) {
  for (const char* bad : {"arm64", "linux/", "/amd64", "linux/arm64/v8/x", "Linux/AMD64", ""}) {
    try {
      Platform::parse(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), std::string("invalid platform \"") + bad +
                                           "\": expected OS/ARCH[/VARIANT] in lowercase, e.g. "
                                           "linux/arm64");
    }
  }
}

TEST(PlatformTest, VariantMattersOnlyWhenBothNameOne) {
  Platform arm = Platform::parse("linux/arm64");
  Platform v8 = Platform::parse("linux/arm64/v8");
  Platform v9 = Platform::parse("linux/arm64/v9");
  EXPECT_TRUE(arm.matches(v8));
  EXPECT_TRUE(v8.matches(arm));
  EXPECT_FALSE(v8.matches(v9));
  EXPECT_FALSE(arm.matches(Platform::parse("linux/amd64")));
  EXPECT_FALSE(arm.matches(Platform::parse("windows/arm64")));
}

}  // namespace
}  // namespace eifkit
