// Ramdisks compared file by file: cpio archives written here, read as diff reads them (plain,
// gzip, zstd), and the exact changes reported.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "lib/cpio/cpio_writer.h"
#include "lib/diff/ramdisk_diff.h"
#include "lib/diff/ramdisk_files.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/memory_streams.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::SpanSource;
using test::to_bytes;
using test::VectorSink;

CpioMeta meta(uint32_t perm, uint32_t mtime = 1700000000, uint32_t uid = 0) {
  CpioMeta m;
  m.perm = perm;
  m.mtime = mtime;
  m.uid = uid;
  return m;
}

// bin/, bin/hello ("hi\n"), etc/, etc/motd, bin/sh -> hello; `edit` may change the writer's
// calls before finish().
std::vector<uint8_t> archive(const std::function<void(CpioWriter&)>& edit = {},
                             bool standard = true) {
  VectorSink sink;
  CpioWriter w(sink);
  if (standard) {
    w.add_directory("bin", meta(0755));
    w.add_file("bin/hello", meta(0755), to_bytes("hi\n"));
    w.add_symlink("bin/sh", "hello", meta(0777));
    w.add_directory("etc", meta(0755));
    w.add_file("etc/motd", meta(0644), to_bytes("hello\n"));
  }
  if (edit) edit(w);
  w.finish();
  return sink.bytes;
}

RamdiskFiles files_of(const std::vector<uint8_t>& bytes) {
  SpanSource in(bytes, 7);  // small reads: the reader must loop
  RamdiskFiles files;
  read_ramdisk_files(in, "r", files);
  return files;
}

json diff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, size_t max = 20) {
  RamdiskFiles fa = files_of(a), fb = files_of(b);
  EXPECT_TRUE(fa.read) << fa.problem;
  EXPECT_TRUE(fb.read) << fb.problem;
  return diff_ramdisk_files(fa, fb, max);
}

TEST(RamdiskDiff, SameArchiveHasNoChanges) {
  json d = diff(archive(), archive());
  EXPECT_EQ(d, json::parse(R"({"Entries": {"A": 5, "B": 5}, "Added": 0, "Removed": 0,
      "Changed": 0, "ChangedAttributes": {}, "SameOrder": true, "FirstOutOfOrder": null,
      "Changes": [], "Truncated": false})"));
}

TEST(RamdiskDiff, OneFilesContentAndSize) {
  json d =
      diff(archive(), archive([](CpioWriter& w) { w.add_file("x", meta(0644), to_bytes("")); }));
  EXPECT_EQ(d["Added"], 1);
  json changed = diff(archive([](CpioWriter& w) { w.add_file("z", meta(0644), to_bytes("1")); }),
                      archive([](CpioWriter& w) { w.add_file("z", meta(0644), to_bytes("22")); }));
  EXPECT_EQ(changed["Changes"], json::parse(R"([{"Name": "z", "Change": "changed", "Attributes": {
      "Size": {"A": 1, "B": 2},
      "Content": {"A": "sha256:6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b",
                  "B": "sha256:785f3ec7eb32f30b90cd0fcf3657d388b5ff4297f2f9716ff66e9b69c05ddd09"}}}])"));
  EXPECT_EQ(changed["ChangedAttributes"], json::parse(R"({"Content": 1, "Size": 1})"));
}

TEST(RamdiskDiff, ModeOwnerMtimeAndTarget) {
  auto with = [](CpioMeta m, std::string target) {
    return archive([=](CpioWriter& w) { w.add_symlink("l", target, m); });
  };
  CpioMeta base = meta(0777);
  CpioMeta other = meta(0755, 1700000001, 1000);
  json d = diff(with(base, "a"), with(other, "b"));
  EXPECT_EQ(d["Changes"][0]["Attributes"], json::parse(R"({
      "Target": {"A": "a", "B": "b"},
      "Content": {"A": "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
                  "B": "sha256:3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d"},
      "Mode": {"A": "0777", "B": "0755"},
      "Uid": {"A": 0, "B": 1000},
      "Mtime": {"A": 1700000000, "B": 1700000001}})"));
}

TEST(RamdiskDiff, AddedAndRemovedWithTheirType) {
  json d = diff(archive([](CpioWriter& w) { w.add_fifo("gone", meta(0600)); }),
                archive([](CpioWriter& w) {
                  w.add_device("dev/null", DeviceType::kChar, 1, 3, meta(0666));
                }));
  EXPECT_EQ(d["Added"], 1);
  EXPECT_EQ(d["Removed"], 1);
  EXPECT_EQ(d["Changes"], json::parse(R"([
      {"Name": "dev/null", "Change": "added", "Type": "char-device", "Size": 0},
      {"Name": "gone", "Change": "removed", "Type": "fifo", "Size": 0}])"));
}

TEST(RamdiskDiff, SameFilesInAnotherOrder) {
  auto in_order = [](bool swapped) {
    return archive(
        [swapped](CpioWriter& w) {
          CpioMeta m = meta(0644);
          m.ino = 900;  // the same inode numbers either way: only the order differs
          if (swapped) {
            CpioMeta n = m;
            n.ino = 901;
            w.add_file("b", n, to_bytes("2"));
            w.add_file("a", m, to_bytes("1"));
          } else {
            w.add_file("a", m, to_bytes("1"));
            CpioMeta n = m;
            n.ino = 901;
            w.add_file("b", n, to_bytes("2"));
          }
        },
        false);
  };
  json d = diff(in_order(false), in_order(true));
  EXPECT_EQ(d["Changed"], 0);
  EXPECT_EQ(d["SameOrder"], false);
  EXPECT_EQ(d["FirstOutOfOrder"], "b");
}

TEST(RamdiskDiff, MostSignificantChangesFirstUnderTheCap) {
  // Three mtime-only changes, then one content change: with room for two, the content change
  // comes first, then the first mtime change by path.
  auto make = [](uint32_t mtime, const char* last) {
    return archive(
        [=](CpioWriter& w) {
          for (const char* name : {"a", "b", "c"})
            w.add_file(name, meta(0644, mtime), to_bytes("x"));
          w.add_file("d", meta(0644), to_bytes(last));
        },
        false);
  };
  json d = diff(make(1, "1"), make(2, "2"), 2);
  EXPECT_EQ(d["Changed"], 4);
  EXPECT_EQ(d["Truncated"], true);
  ASSERT_EQ(d["Changes"].size(), 2u);
  EXPECT_EQ(d["Changes"][0]["Name"], "d");
  EXPECT_EQ(d["Changes"][1]["Name"], "a");
  EXPECT_EQ(d["ChangedAttributes"], json::parse(R"({"Content": 1, "Mtime": 3})"));
}

TEST(RamdiskDiff, CompressedRamdisksAreReadThroughTheirDecompressor) {
  RamdiskFiles gz = files_of(test::gzip_bytes(archive()));
  RamdiskFiles zst = files_of(test::zstd_bytes(archive()));
  EXPECT_TRUE(gz.read) << gz.problem;
  EXPECT_EQ(gz.compression, "gzip");
  EXPECT_EQ(zst.compression, "zstd");
  RamdiskFiles plain = files_of(archive());
  EXPECT_EQ(plain.compression, "none");
  EXPECT_EQ(diff_ramdisk_files(gz, zst, 20)["Changed"], 0);
}

TEST(RamdiskDiff, WhatCannotBeReadFileByFileIsAProblemNotAnError) {
  std::vector<uint8_t> xz = {0xfd, '7', 'z', 'X', 'Z', 0, 1, 2};
  RamdiskFiles f = files_of(xz);
  EXPECT_FALSE(f.read);
  EXPECT_EQ(f.compression, "xz");
  EXPECT_EQ(f.problem,
            "r: xz-compressed; diff reads uncompressed, gzip and zstd ramdisks file by file");
  std::vector<uint8_t> cut = archive();
  cut.resize(200);
  RamdiskFiles damaged = files_of(cut);
  EXPECT_FALSE(damaged.read);
  EXPECT_NE(damaged.problem.find("r: "), std::string::npos) << damaged.problem;
}

}  // namespace
}  // namespace eifkit
