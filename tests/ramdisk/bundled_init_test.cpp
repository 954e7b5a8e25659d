// eifkit's own init is checked against init/init.sha384 before it goes into an image: another
// init would give another PCR1 under the same eifkit version.
#include "lib/ramdisk/bundled_init.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;

TEST(BundledInit, RecordedDigestsAreInitSha384s) {
  std::ifstream in(fs::path(EIFKIT_TESTDATA).parent_path() / "init/init.sha384");
  std::string line;
  int found = 0;
  while (std::getline(in, line)) {
    if (line.rfind("x86_64 ", 0) == 0) {
      EXPECT_EQ(line.substr(7, 96), recorded_init_sha384(Arch::kX86_64));
      ++found;
    }
    if (line.rfind("aarch64 ", 0) == 0) {
      EXPECT_EQ(line.substr(8, 96), recorded_init_sha384(Arch::kAarch64));
      ++found;
    }
  }
  EXPECT_EQ(found, 2);
}

TEST(BundledInit, AnInitWithOtherBytesIsRefusedNamingTheFileAndBothDigests) {
  test::ScratchDir dir;
  std::string init = dir / "eifkit-init";
  test::write_bytes(init, {'n', 'o', 't', ' ', 'i', 't'});
  std::string actual = init_sha384(init);
  EXPECT_EQ(test::error_of([&] { check_bundled_init(init, Arch::kAarch64); }),
            init + ": has SHA-384 " + actual + ", not the " + recorded_init_sha384(Arch::kAarch64) +
                " that init/init.sha384 records for eifkit's aarch64 init, so it would change "
                "PCR1: rebuild it with the toolchain init.sha384 names, or give --init");
}

TEST(BundledInit, TheBuiltInitsAreTheRecordedOnes) {
  std::string dir = fs::path(EIFKIT_BINARY).parent_path();
  for (auto [name, arch] : {std::pair{"/eifkit-init", Arch::kX86_64},
                            std::pair{"/eifkit-init-aarch64", Arch::kAarch64}}) {
    if (!fs::exists(dir + name)) continue;
    EXPECT_NO_THROW(check_bundled_init(dir + name, arch)) << dir + name;
  }
}

}  // namespace
}  // namespace eifkit
