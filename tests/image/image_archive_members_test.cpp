// Members of an outer tar (docker save, OCI archive): cleaned names, links followed inside
// the archive only, compressed archives, and clear errors for what is not a tar.
#include "lib/image/archive_members.h"

#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

std::string read_all(ImageFiles& files, const std::string& name) {
  auto in = files.open(name);
  std::string out;
  std::vector<uint8_t> buf(3);
  for (size_t n; (n = in->read(buf)) > 0;) out.append(buf.begin(), buf.begin() + n);
  return out;
}

using test::error_of;

class ImageArchiveMembersTest : public testing::TestWithParam<bool> {};

TEST_P(ImageArchiveMembersTest, CleansNamesAndFollowsLinks) {
  test::ScratchDir dir;
  std::string tar = dir / "a.tar";
  test::write_tar(tar,
                  {{"./manifest.json", "[]"},
                   {"/abs/file", "abs"},
                   {"one/layer.tar", "layer one"},
                   test::TarMember::link("two/layer.tar", "../one/layer.tar"),
                   test::TarMember::hard("three/layer.tar", "one/layer.tar"),
                   {"dup", "first"},
                   {"dup", "second"},
                   {"../evil", "outside"},
                   test::TarMember::link("esc", "../../etc/passwd")},
                  GetParam());
  ArchiveMembers files(tar);
  EXPECT_EQ(files.source(), tar);
  EXPECT_EQ(files.size("manifest.json"), 2u);
  EXPECT_EQ(read_all(files, "manifest.json"), "[]");
  EXPECT_EQ(read_all(files, "abs/file"), "abs");
  EXPECT_EQ(files.size("two/layer.tar"), 9u);
  EXPECT_EQ(read_all(files, "two/layer.tar"), "layer one");
  EXPECT_EQ(read_all(files, "three/layer.tar"), "layer one");
  EXPECT_EQ(read_all(files, "dup"), "second");
  EXPECT_EQ(files.size("missing"), std::nullopt);
  EXPECT_EQ(files.size("evil"), std::nullopt);
  EXPECT_EQ(error_of([&] { files.size("esc"); }),
            tar + ": esc is a link pointing outside the archive");
  EXPECT_EQ(error_of([&] { files.open("missing"); }),
            tar + ": missing is missing from the archive");
}

INSTANTIATE_TEST_SUITE_P(ImagePlainAndGzip, ImageArchiveMembersTest, testing::Bool());

TEST(ImageArchiveMembersErrors, NotATar) {
  test::ScratchDir dir;
  test::write_bytes(dir / "x.tar", test::to_bytes(std::string(2000, 'x')));
  EXPECT_EQ(error_of([&] { ArchiveMembers m(dir / "x.tar"); }),
            dir / "x.tar" + ": not a tar archive: Unrecognized archive format");
  EXPECT_EQ(error_of([&] { ArchiveMembers m(dir / "none.tar"); }),
            dir / "none.tar" + ": cannot open: No such file or directory");
}

TEST(ImageArchiveMembersErrors, TruncatedArchiveIsRefusedAtOpen) {
  test::ScratchDir dir;
  auto tar = test::make_tar({{"big", std::string(100000, 'b')}});
  tar.resize(50000);
  test::write_bytes(dir / "t.tar", tar);
  EXPECT_EQ(error_of([&] { ArchiveMembers m(dir / "t.tar"); }),
            dir / "t.tar" +
                ": corrupt tar archive: Truncated input file (needed 100352 bytes, only 49488 "
                "available)");
}

}  // namespace
}  // namespace eifkit
