// Flattening layers into the application ramdisk: OCI whiteout rules, replacement, hard links,
// special files, and the malicious inputs that must be refused. Asserted by reading the
// ramdisk back.
#include "lib/image/flatten.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/base/error.h"
#include "lib/base/file_source.h"
#include "lib/ramdisk/app_ramdisk.h"
#include "tests/support/memory_streams.h"
#include "tests/support/ramdisk_listing.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::TarSpec;
using testing::ElementsAre;
using testing::HasSubstr;

class FlattenTest : public testing::Test {
 protected:
  // Flattens the layers (bottom first) and writes the application ramdisk for `command`.
  std::vector<uint8_t> ramdisk(const std::vector<std::vector<TarSpec>>& layers,
                               const EnclaveCommand& command = {}) {
    Flattener flattener;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string path =
          dir_ / ("layer" + std::to_string(i) + "-" + std::to_string(count_++) + ".tar");
      test::write_layer_tar(path, layers[i]);
      FileSource source(path);
      TarReader reader(source, "layer" + std::to_string(i));
      flattener.apply_layer(reader, "layer" + std::to_string(i));
    }
    FlattenedImage image = flattener.finish();
    xattrs_ = image.entries_with_xattrs;
    test::VectorSink sink;
    write_app_ramdisk(sink, image, command);
    return sink.bytes;
  }

  std::vector<std::string> listing(const std::vector<std::vector<TarSpec>>& layers) {
    auto bytes = ramdisk(layers);
    test::SpanSource source(bytes);
    return test::lines(test::list_ramdisk(source));
  }

  std::string error(const std::vector<std::vector<TarSpec>>& layers) {
    try {
      ramdisk(layers);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  // The required entries every ramdisk ends with, after the image's own.
  static std::vector<std::string> with_required(std::vector<std::string> image_lines) {
    std::vector<std::string> out = {"rootfs d 0755 0:0 0 2"};
    out.insert(out.end(), image_lines.begin(), image_lines.end());
    return out;
  }

  test::ScratchDir dir_;
  int count_ = 0;
  size_t xattrs_ = 0;
};

const char* kHelloSha = "5891b5b522d5df08";  // sha256("hello\n"), first 16 hex digits

TEST_F(FlattenTest, SingleLayerCanonicalOrderWithRequiredDirsAndCommandFiles) {
  auto lines = listing({{TarSpec::file("etc/motd", "hello\n"), TarSpec::dir("etc")}});
  EXPECT_THAT(lines, ElementsAre("rootfs d 0755 0:0 0 2", "rootfs/dev d 0755 0:0 0 2",
                                 "rootfs/etc d 0755 0:0 0 2",
                                 std::string("rootfs/etc/motd - 0644 0:0 6 1 ") + kHelloSha,
                                 "rootfs/proc d 0755 0:0 0 2", "rootfs/run d 0755 0:0 0 2",
                                 "rootfs/sys d 0755 0:0 0 2", "rootfs/tmp d 0755 0:0 0 2",
                                 "rootfs/var d 0755 0:0 0 2", "cmd - 0644 0:0 0 1 e3b0c44298fc1c14",
                                 "env - 0644 0:0 0 1 e3b0c44298fc1c14"));
}

TEST_F(FlattenTest, FileWhiteoutDeletesFromLowerLayers) {
  auto lines = listing({{TarSpec::file("a/keep", "k"), TarSpec::file("a/gone", "g"),
                         TarSpec::dir("a/gonedir"), TarSpec::file("a/gonedir/x", "x")},
                        {TarSpec::whiteout("a", "gone"), TarSpec::whiteout("a", "gonedir")}});
  EXPECT_THAT(lines, testing::Contains(HasSubstr("rootfs/a/keep ")));
  for (const auto& l : lines) {
    EXPECT_THAT(l, testing::Not(HasSubstr("gone"))) << l;
    EXPECT_THAT(l, testing::Not(HasSubstr(".wh."))) << l;
  }
}

TEST_F(FlattenTest, WhiteoutDoesNotHideItsOwnLayer) {
  auto lines = listing(
      {{TarSpec::file("x", "old")}, {TarSpec::file("x", "new"), TarSpec::whiteout("", "x")}});
  // "old" and "new" have the same size: the content says which one is kept.
  EXPECT_THAT(lines, testing::Contains("rootfs/x - 0644 0:0 3 1 11507a0e2f5e69d5"));   // "new"
  EXPECT_THAT(lines, testing::Not(testing::Contains(HasSubstr("cba06b5736faf67e"))));  // "old"
}

TEST_F(FlattenTest, OpaqueDirectoryHidesLowerContentsKeepsItsOwn) {
  auto lines = listing({{TarSpec::dir("d"), TarSpec::file("d/lower", "l"), TarSpec::dir("d/sub"),
                         TarSpec::file("d/sub/deep", "d")},
                        {TarSpec::dir("d", 0700), TarSpec::file("d/.wh..wh..opq", ""),
                         TarSpec::file("d/upper", "u")}});
  std::vector<std::string> d_lines;
  for (const auto& l : lines) {
    if (l.rfind("rootfs/d/", 0) == 0 || l.rfind("rootfs/d ", 0) == 0) d_lines.push_back(l);
  }
  EXPECT_THAT(d_lines, ElementsAre("rootfs/d d 0700 0:0 0 2",
                                   "rootfs/d/upper - 0644 0:0 1 1 0bfe935e70c321c7"));  // "u"
}

TEST_F(FlattenTest, ReplacedDirectoryAndReplacedFile) {
  auto lines =
      listing({{TarSpec::dir("p"), TarSpec::file("p/child", "c"), TarSpec::file("f", "file")},
               {TarSpec::file("p", "now a file"), TarSpec::dir("f", 0711)}});
  EXPECT_THAT(lines, testing::Contains("rootfs/p - 0644 0:0 10 1 92af885f330ed4b1"));
  EXPECT_THAT(lines, testing::Contains("rootfs/f d 0711 0:0 0 2"));
  for (const auto& l : lines) EXPECT_THAT(l, testing::Not(HasSubstr("p/child")));
}

TEST_F(FlattenTest, DirectoryOverDirectoryMergesAndTakesNewAttributes) {
  TarSpec upper = TarSpec::dir("d", 0750);
  upper.uid = 7;
  auto lines =
      listing({{TarSpec::dir("d"), TarSpec::file("d/a", "a")}, {upper, TarSpec::file("d/b", "b")}});
  EXPECT_THAT(lines, testing::Contains("rootfs/d d 0750 7:0 0 2"));
  EXPECT_THAT(lines, testing::Contains(testing::StartsWith("rootfs/d/a ")));
  EXPECT_THAT(lines, testing::Contains(testing::StartsWith("rootfs/d/b ")));
}

TEST_F(FlattenTest, HardLinksShareOneInodeWithDataOnLastName) {
  auto bytes = ramdisk(
      {{TarSpec::file("bin/tool", "hello\n", 0755), TarSpec::hardlink("bin/alias", "bin/tool"),
        TarSpec::hardlink("usr/other", "bin/tool")}});
  test::SpanSource source(bytes);
  auto entries = test::list_ramdisk(source);
  std::vector<test::RamdiskEntry> links;
  for (const auto& e : entries) {
    if (e.name == "rootfs/bin/alias" || e.name == "rootfs/bin/tool" ||
        e.name == "rootfs/usr/other") {
      links.push_back(e);
    }
  }
  ASSERT_EQ(links.size(), 3u);
  // Canonical order: bin/alias, bin/tool, usr/other; the last carries the data.
  EXPECT_EQ(links[0].name, "rootfs/bin/alias");
  EXPECT_EQ(links[0].size, 0u);
  EXPECT_EQ(links[1].size, 0u);
  EXPECT_EQ(links[2].size, 6u);
  EXPECT_EQ(links[2].sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  for (const auto& l : links) {
    EXPECT_EQ(l.ino, links[0].ino);
    EXPECT_EQ(l.nlink, 3u);
    EXPECT_EQ(l.perm, 0755u);
  }
}

TEST_F(FlattenTest, SymlinksDevicesSetuidOwnersNamesAndEmptyFiles) {
  TarSpec tty;
  tty.path = "dev/tty0";
  tty.type = TarEntry::Type::kCharDevice;
  tty.mode = 0620;
  tty.rdev_major = 4;
  tty.rdev_minor = 0;
  TarSpec loop = tty;
  loop.path = "dev/loop0";
  loop.type = TarEntry::Type::kBlockDevice;
  loop.mode = 0660;
  loop.rdev_major = 7;
  TarSpec fifo;
  fifo.path = "run/pipe";
  fifo.type = TarEntry::Type::kFifo;
  fifo.mode = 0600;
  TarSpec su = TarSpec::file("usr/bin/su", "su", 04755);
  TarSpec owned = TarSpec::file("home/app/data", "", 0600);
  owned.uid = 1000;
  owned.gid = 1001;
  std::string long_name(200, 'n');
  auto lines = listing({{TarSpec::symlink("bin", "usr/bin"), tty, loop, fifo, su, owned,
                         TarSpec::file("tmp/sticky/" + long_name, "long"),
                         TarSpec::file("srv/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac", "utf8"),
                         TarSpec::dir("tmp/sticky", 01777)}});
  EXPECT_THAT(lines, testing::Contains("rootfs/bin l 0777 0:0 7 1 -> usr/bin"));
  EXPECT_THAT(lines, testing::Contains("rootfs/dev/tty0 c 0620 0:0 0 1 4,0"));
  EXPECT_THAT(lines, testing::Contains("rootfs/dev/loop0 b 0660 0:0 0 1 7,0"));
  EXPECT_THAT(lines, testing::Contains("rootfs/run/pipe p 0600 0:0 0 1"));
  EXPECT_THAT(lines, testing::Contains(testing::StartsWith("rootfs/usr/bin/su - 4755 0:0 2 1")));
  EXPECT_THAT(lines,
              testing::Contains("rootfs/home/app/data - 0600 1000:1001 0 1 e3b0c44298fc1c14"));
  EXPECT_THAT(lines,
              testing::Contains(testing::StartsWith("rootfs/tmp/sticky/" + long_name + " - 0644")));
  EXPECT_THAT(lines, testing::Contains("rootfs/tmp/sticky d 1777 0:0 0 2"));
  EXPECT_THAT(lines, testing::Contains(testing::StartsWith(
                         "rootfs/srv/caf\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac - 0644 0:0 4 1")));
}

TEST_F(FlattenTest, CountsExtendedAttributes) {
  TarSpec capped = TarSpec::file("bin/ping", "p", 0755);
  capped.xattr = true;
  ramdisk({{capped, TarSpec::file("bin/plain", "q")}});
  EXPECT_EQ(xattrs_, 1u);
}

TEST_F(FlattenTest, SameFilesystemSameBytesWhateverTheLayeringAndOrder) {
  std::vector<TarSpec> all = {TarSpec::dir("app"),
                              TarSpec::file("app/main", "main", 0755),
                              TarSpec::file("app/lib.so", "lib"),
                              TarSpec::dir("etc"),
                              TarSpec::file("etc/conf", "conf"),
                              TarSpec::hardlink("app/main2", "app/main"),
                              TarSpec::symlink("app/latest", "main")};
  auto one = ramdisk({all});
  auto three = ramdisk({{all[0], all[1]}, {all[3], all[4]}, {all[2], all[5], all[6]}});
  std::vector<TarSpec> shuffled = {all[4], all[3], all[6], all[1], all[5], all[2], all[0]};
  auto reordered = ramdisk({shuffled});
  EXPECT_EQ(one, three);
  EXPECT_EQ(one, reordered);
}

TEST_F(FlattenTest, CommandAndEnvironmentFiles) {
  EnclaveCommand command;
  command.argv = {"/bin/app", "--flag", "two words"};
  command.env = {"A=1", "PATH=/bin"};
  auto bytes = ramdisk({{TarSpec::file("bin/app", "x", 0755)}}, command);
  std::string text(bytes.begin(), bytes.end());
  EXPECT_THAT(text, HasSubstr("cmd"));
  EXPECT_THAT(text, HasSubstr("/bin/app\n--flag\ntwo words\n"));
  EXPECT_THAT(text, HasSubstr("A=1\nPATH=/bin\n"));
}

TEST_F(FlattenTest, RefusesMaliciousLayers) {
  EXPECT_EQ(error({{TarSpec::file("../etc/passwd", "x")}}),
            "layer0: ../etc/passwd: path escapes the image root");
  EXPECT_EQ(error({{TarSpec::file("a/../../b", "x")}}),
            "layer0: a/../../b: path escapes the image root");
  EXPECT_EQ(error({{TarSpec::symlink("etc", "/host/etc"), TarSpec::file("etc/shadow", "x")}}),
            "layer0: etc/shadow: parent etc is a symlink");
  EXPECT_EQ(error({{TarSpec::symlink("etc", "/tmp")}, {TarSpec::file("etc/evil", "x")}}),
            "layer1: etc/evil: parent etc is a symlink");
  EXPECT_EQ(error({{TarSpec::hardlink("bin/a", "bin/missing")}}),
            "layer0: bin/a: hard link to bin/missing, which is not an earlier file in the image");
  EXPECT_EQ(error({{TarSpec::hardlink("early", "late"), TarSpec::file("late", "x")}}),
            "layer0: early: hard link to late, which is not an earlier file in the image");
  EXPECT_EQ(error({{TarSpec::file("f", "x"), TarSpec::file("f/g", "y")}}),
            "layer0: f/g: parent f is not a directory");
}

}  // namespace
}  // namespace eifkit
