// The streaming cpio writer: linuxkit's conventions, hard-link groups, special files, the
// trailer and padding; archives read back by CpioReader and extracted by GNU cpio.
#include "lib/cpio/cpio_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "lib/base/error.h"
#include "lib/cpio/cpio_reader.h"
#include "tests/support/memory_streams.h"
#include "tests/support/requirements.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::SpanSource;
using test::VectorSink;
// Small reads, so that callers must loop.
constexpr size_t kStep = 7;

// Endless zeros: stands in for a file too big to create.
struct ZeroSource : ByteSource {
  size_t read(std::span<uint8_t> buf) override {
    std::fill(buf.begin(), buf.end(), 0);
    return buf.size();
  }
};

CpioMeta meta(uint32_t perm, uint32_t mtime = 0) {
  CpioMeta m;
  m.perm = perm;
  m.mtime = mtime;
  return m;
}

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 31 + 7);
  return v;
}

struct ReadEntry {
  CpioHeader header;
  std::vector<uint8_t> data;
};

std::vector<ReadEntry> read_all(const std::vector<uint8_t>& archive, size_t step = 13) {
  SpanSource source(archive, step);
  CpioReader reader(source, "test.cpio");
  std::vector<ReadEntry> entries;
  CpioHeader h;
  while (reader.next(h)) {
    ReadEntry e{h, {}};
    uint8_t buf[5];
    for (size_t n; (n = reader.read_data(buf)) > 0;) e.data.insert(e.data.end(), buf, buf + n);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The archive the round-trip and GNU cpio tests share: one of every kind GNU cpio can
// extract without privileges, and a three-name hard-link group.
struct Sample {
  std::vector<uint8_t> big = pattern(200'003);
  std::vector<uint8_t> linked = bytes_of("shared by three names\n");
  std::vector<uint8_t> archive;

  Sample() {
    VectorSink sink;
    CpioWriter w(sink);
    w.add_directory("etc", meta(0750, 1000));
    SpanSource big_source(big, 4096);
    w.add_file("etc/big.bin", meta(0644, 2000), big.size(), big_source);
    w.add_file("etc/suid", meta(04755, 3000), bytes_of("#!/bin/sh\n"));
    w.add_symlink("etc/link", "big.bin", meta(0777, 4000));
    uint32_t group = w.reserve_ino();
    CpioMeta link = meta(0600, 5000);
    link.ino = group;
    link.nlink = 3;
    w.add_file("a", link, std::span<const uint8_t>());
    w.add_file("etc/b", link, std::span<const uint8_t>());
    w.add_file("c", link, linked);
    w.add_fifo("pipe", meta(0640, 6000));
    w.add_file("empty", meta(0444, 7000), std::span<const uint8_t>());
    w.finish();
    EXPECT_EQ(w.bytes_written(), sink.bytes.size());
    archive = std::move(sink.bytes);
  }
};

TEST(CpioWriter, LinuxkitConventions) {
  VectorSink sink;
  CpioWriter w(sink);
  w.add_directory("dev", meta(0755, 1492533000));
  w.add_file("init", meta(0755, 1492533000), bytes_of("abcde"));
  w.finish();
  auto entries = read_all(sink.bytes);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].header.ino, 721u);
  EXPECT_EQ(entries[0].header.nlink, 2u);
  EXPECT_EQ(entries[0].header.mode, 040755u);
  EXPECT_EQ(entries[1].header.ino, 722u);
  EXPECT_EQ(entries[1].header.nlink, 1u);
  EXPECT_EQ(entries[1].header.mode, 0100755u);
  EXPECT_EQ(entries[1].header.filesize, 5u);
  for (const auto& e : entries) {
    EXPECT_EQ(e.header.dev_major, 3u);
    EXPECT_EQ(e.header.dev_minor, 1u);
    EXPECT_EQ(e.header.mtime, 1492533000u);
  }
  EXPECT_EQ(w.next_ino(), 724u);  // the trailer took 723
}

TEST(CpioWriter, TrailerAndPaddingTo512) {
  VectorSink sink;
  CpioWriter w(sink, 100);
  w.add_file("x", meta(0644), bytes_of("1"));
  w.finish();
  const std::string trailer =
      "070701"
      "00000065"  // ino 101: the counter, after the one entry
      "00000000"
      "00000000"
      "00000000"
      "00000001"  // nlink
      "00000000"
      "00000000"
      "00000003"
      "00000001"
      "00000000"
      "00000000"
      "0000000b"  // namesize
      "00000000" +
      std::string("TRAILER!!!\0", 11);
  // x: 110 + 2 name bytes = 112, 1 data byte + 3 padding = 116.
  ASSERT_EQ(sink.bytes.size(), 512u);
  EXPECT_EQ(std::string(sink.bytes.begin() + 116, sink.bytes.begin() + 116 + trailer.size()),
            trailer);
  for (size_t i = 116 + trailer.size(); i < 512; ++i) ASSERT_EQ(sink.bytes[i], 0) << i;
  EXPECT_EQ(w.bytes_written(), 512u);
}

TEST(CpioWriter, ExactMultipleOf512GetsNoExtraPadding) {
  // 110 + 2 ("x\0") = 112; data 276 → 388; trailer 110 + 11 + 3 = 124 → 512.
  VectorSink sink;
  CpioWriter w(sink);
  w.add_file("x", meta(0644), pattern(276));
  w.finish();
  EXPECT_EQ(sink.bytes.size(), 512u);
}

TEST(CpioWriter, RoundTripThroughReader) {
  Sample s;
  EXPECT_EQ(s.archive.size() % 512, 0u);
  auto entries = read_all(s.archive);
  ASSERT_EQ(entries.size(), 9u);
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.header.name);
  EXPECT_EQ(names, (std::vector<std::string>{"etc", "etc/big.bin", "etc/suid", "etc/link", "a",
                                             "etc/b", "c", "pipe", "empty"}));
  EXPECT_EQ(entries[1].data, s.big);
  EXPECT_EQ(entries[2].header.mode, 0104755u);
  EXPECT_EQ(entries[3].header.mode, 0120777u);
  EXPECT_EQ(entries[3].data, bytes_of("big.bin"));
  // Hard-link group: one inode, taken from the counter; data on the last name only.
  EXPECT_EQ(entries[4].header.ino, 725u);
  for (size_t i : {4, 5, 6}) {
    EXPECT_EQ(entries[i].header.ino, 725u);
    EXPECT_EQ(entries[i].header.nlink, 3u);
  }
  EXPECT_EQ(entries[4].header.filesize, 0u);
  EXPECT_EQ(entries[5].header.filesize, 0u);
  EXPECT_EQ(entries[6].data, s.linked);
  // Explicit inodes do not use up the counter.
  EXPECT_EQ(entries[7].header.ino, 726u);
  EXPECT_EQ(entries[7].header.mode, 010640u);
  EXPECT_EQ(entries[8].header.ino, 727u);
}

TEST(CpioWriter, Devices) {
  VectorSink sink;
  CpioWriter w(sink);
  w.add_device("dev/console", DeviceType::kChar, 5, 1, meta(0600));
  CpioMeta disk = meta(0660);
  disk.gid = 6;
  w.add_device("dev/sda", DeviceType::kBlock, 8, 0, disk);
  w.finish();
  auto entries = read_all(sink.bytes);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].header.mode, 020600u);
  EXPECT_EQ(entries[0].header.rdev_major, 5u);
  EXPECT_EQ(entries[0].header.rdev_minor, 1u);
  EXPECT_EQ(entries[0].header.filesize, 0u);
  EXPECT_EQ(entries[1].header.mode, 060660u);
  EXPECT_EQ(entries[1].header.rdev_major, 8u);
  EXPECT_EQ(entries[1].header.rdev_minor, 0u);
  EXPECT_EQ(entries[1].header.gid, 6u);
  EXPECT_EQ(entries[1].header.dev_major, 3u);  // rdev is the device; dev stays linuxkit's
}

TEST(CpioWriter, ShortSourceIsErrorNamingEntry) {
  VectorSink sink;
  CpioWriter w(sink);
  auto data = pattern(10);
  SpanSource source(data, kStep);
  EXPECT_EQ(error_of([&] { w.add_file("usr/bin/tool", meta(0755), 20, source); }),
            "usr/bin/tool: data ended after 10 of 20 bytes");
}

TEST(CpioWriter, SourceLongerThanSizeIsReadOnlyToSize) {
  VectorSink sink;
  CpioWriter w(sink);
  auto data = pattern(100);
  SpanSource source(data, kStep);
  w.add_file("f", meta(0644), 40, source);
  w.finish();
  auto entries = read_all(sink.bytes);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].data, std::vector<uint8_t>(data.begin(), data.begin() + 40));
}

TEST(CpioWriter, FileOf4GiBIsErrorNamingEntry) {
  VectorSink sink;
  CpioWriter w(sink);
  ZeroSource zeros;
  EXPECT_EQ(error_of([&] { w.add_file("var/big.img", meta(0644), 1ull << 32, zeros); }),
            "var/big.img: file is 4294967296 bytes; cpio newc cannot store files of 4 GiB or "
            "more");
  EXPECT_TRUE(sink.bytes.empty());
}

TEST(CpioWriter, RefusesBadEntries) {
  VectorSink sink;
  CpioWriter w(sink);
  EXPECT_EQ(error_of([&] { w.add_directory("", meta(0755)); }),
            "cpio archive: entry with an empty name");
  EXPECT_EQ(error_of([&] { w.add_directory(std::string("a\0b", 3), meta(0755)); }),
            "a\\0b: entry name holds a NUL byte");
  EXPECT_EQ(error_of([&] { w.add_file("TRAILER!!!", meta(0644), bytes_of("")); }),
            "TRAILER!!!: entry name is reserved for the archive trailer");
  EXPECT_EQ(error_of([&] { w.add_file("x", meta(0100644), bytes_of("")); }),
            "x: mode 0100644 has bits outside the permission bits (07777)");
  EXPECT_EQ(error_of([&] { w.add_symlink("l", "", meta(0777)); }),
            "l: symlink with an empty target");
  EXPECT_NE(error_of([&] { w.add_directory(std::string(4096, 'n'), meta(0755)); }), "");
  w.add_directory(std::string(4095, 'n'), meta(0755));  // the longest allowed
  EXPECT_EQ(w.next_ino(), 722u);                        // refused entries took no inode
}

TEST(CpioWriter, NothingAfterFinish) {
  VectorSink sink;
  CpioWriter w(sink);
  w.finish();
  EXPECT_EQ(sink.bytes.size(), 512u);
  EXPECT_THROW(w.add_directory("late", meta(0755)), std::logic_error);
  EXPECT_THROW(w.finish(), std::logic_error);
}

TEST(CpioReader, RefusesTruncatedArchive) {
  Sample s;
  // etc: bytes 0-115; etc/big.bin: header 116-239, then its data.
  auto cut = std::vector<uint8_t>(s.archive.begin(), s.archive.begin() + 300);
  EXPECT_EQ(error_of([&] { read_all(cut); }),
            "test.cpio: at offset 300: archive ends inside the data of entry etc/big.bin");
  cut.resize(200);
  EXPECT_EQ(error_of([&] { read_all(cut); }),
            "test.cpio: at offset 116: archive ends inside a cpio header");
  cut.resize(120);
  EXPECT_EQ(error_of([&] { read_all(cut); }),
            "test.cpio: at offset 116: archive ends inside a cpio header");
}

TEST(CpioReader, RefusesArchiveWithoutTrailer) {
  VectorSink sink;
  CpioWriter w(sink);
  w.add_directory("d", meta(0755));
  EXPECT_EQ(error_of([&] { read_all(sink.bytes); }),
            "test.cpio: at offset 112: archive ends without a TRAILER!!! entry");
}

TEST(CpioReader, RefusesGarbageWithOffset) {
  VectorSink sink;
  CpioWriter w(sink);
  w.add_directory("d", meta(0755));
  auto bytes = sink.bytes;
  auto garbage = bytes_of(std::string(200, 'z'));
  bytes.insert(bytes.end(), garbage.begin(), garbage.end());
  EXPECT_EQ(error_of([&] { read_all(bytes); }),
            "test.cpio: at offset 112: not a cpio newc header (bad magic)");
}

TEST(CpioReader, SkipsUnreadDataAndReadsSymlinkTargets) {
  Sample s;
  SpanSource source(s.archive, 1 << 20);
  CpioReader reader(source, "test.cpio");
  CpioHeader h;
  std::vector<std::string> names;
  std::string target;
  while (reader.next(h)) {
    names.push_back(h.name);
    if ((h.mode & kCpioTypeMask) == kCpioSymlink) target = reader.read_small_data();
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(target, "big.bin");
  EXPECT_FALSE(reader.next(h));
}

// Compatibility: GNU cpio, which the kernel's unpacker agrees with, extracts what we wrote.
std::string extract_with_gnu_cpio(const std::vector<uint8_t>& archive,
                                  const test::ScratchDir& dir) {
  test::write_bytes(dir / "archive.cpio", archive);
  std::filesystem::create_directory(dir / "out");
  std::string cmd = "cd '" + (dir / "out") + "' && cpio -idm --no-absolute-filenames --quiet < '" +
                    (dir / "archive.cpio") + "' 2>'" + (dir / "cpio.err") + "'";
  int status = std::system(cmd.c_str());
  if (status != 0) {
    auto err = test::read_bytes(dir / "cpio.err");
    return "cpio failed: " + std::string(err.begin(), err.end());
  }
  return "";
}

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("cannot lstat " + path);
  return st;
}

TEST(CpioWriter, GnuCpioExtractsIt) {
  Sample s;
  test::ScratchDir dir;
  ASSERT_EQ(extract_with_gnu_cpio(s.archive, dir), "");
  std::string out = dir / "out";

  EXPECT_EQ(test::read_bytes(out + "/etc/big.bin"), s.big);
  EXPECT_EQ(test::read_bytes(out + "/etc/suid"), bytes_of("#!/bin/sh\n"));
  EXPECT_EQ(lstat_of(out + "/etc/suid").st_mode, 0104755u);
  EXPECT_EQ(lstat_of(out + "/etc/big.bin").st_mode, 0100644u);
  EXPECT_EQ(lstat_of(out + "/etc/big.bin").st_mtime, 2000);
  EXPECT_EQ(lstat_of(out + "/etc").st_mode, 040750u);
  EXPECT_EQ(lstat_of(out + "/empty").st_size, 0);

  EXPECT_TRUE(S_ISLNK(lstat_of(out + "/etc/link").st_mode));
  EXPECT_EQ(std::filesystem::read_symlink(out + "/etc/link"), "big.bin");

  struct stat a = lstat_of(out + "/a"), b = lstat_of(out + "/etc/b"), c = lstat_of(out + "/c");
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_ino, c.st_ino);
  EXPECT_EQ(a.st_nlink, 3u);
  EXPECT_EQ(test::read_bytes(out + "/a"), s.linked);

  EXPECT_TRUE(S_ISFIFO(lstat_of(out + "/pipe").st_mode));
  EXPECT_EQ(lstat_of(out + "/pipe").st_mode & 07777, 0640u);
}

TEST(CpioWriter, GnuCpioExtractsDevices) {
  EIFKIT_REQUIRE(::geteuid() == 0, "creating device nodes needs root");
  VectorSink sink;
  CpioWriter w(sink);
  w.add_directory("dev", meta(0755));
  w.add_device("dev/null", DeviceType::kChar, 1, 3, meta(0666));
  w.add_device("dev/loop9", DeviceType::kBlock, 7, 9, meta(0660));
  w.finish();
  test::ScratchDir dir;
  ASSERT_EQ(extract_with_gnu_cpio(sink.bytes, dir), "");
  struct stat null = lstat_of(dir / "out/dev/null"), loop = lstat_of(dir / "out/dev/loop9");
  EXPECT_TRUE(S_ISCHR(null.st_mode));
  EXPECT_EQ(major(null.st_rdev), 1u);
  EXPECT_EQ(minor(null.st_rdev), 3u);
  EXPECT_EQ(null.st_mode & 07777, 0666u);
  EXPECT_TRUE(S_ISBLK(loop.st_mode));
  EXPECT_EQ(major(loop.st_rdev), 7u);
  EXPECT_EQ(minor(loop.st_rdev), 9u);
}

}  // namespace
}  // namespace eifkit
