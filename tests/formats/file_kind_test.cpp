// The one sniffer behind "is a tar archive, not a kernel", "not a build record: it is an EIF"
// and the ramdisk compressions diff names.
#include "formats/file_kind.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace eifkit {
namespace {

FileKind kind_of(const std::string& head, size_t at = 0) {
  std::vector<uint8_t> bytes(at, 0);
  bytes.insert(bytes.end(), head.begin(), head.end());
  return sniff_file_kind(bytes);
}

TEST(FileKind, KnowsWhatUsersGiveByMistake) {
  EXPECT_EQ(kind_of("ustar", 257), FileKind::kTar);
  EXPECT_EQ(kind_of(".eif"), FileKind::kEif);
  EXPECT_EQ(kind_of("070701"), FileKind::kCpio);
  EXPECT_EQ(kind_of("070707"), FileKind::kCpio);
  EXPECT_EQ(kind_of("\x7f"
                    "ELF"),
            FileKind::kElf);
  EXPECT_EQ(kind_of("PK\x03\x04"), FileKind::kZip);
  EXPECT_EQ(kind_of("{\"a\": 1}"), FileKind::kUnknown);
  EXPECT_EQ(kind_of(""), FileKind::kUnknown);
  EXPECT_STREQ(file_kind_description(FileKind::kEif), "an EIF");
  EXPECT_STREQ(file_kind_description(FileKind::kUnknown), "unknown data");
}

TEST(FileKind, CompressionsTheKernelUnpacks) {
  EXPECT_STREQ(compression_name(kind_of("\x1f\x8b")), "gzip");
  EXPECT_STREQ(compression_name(kind_of("\x28\xb5\x2f\xfd")), "zstd");
  EXPECT_STREQ(compression_name(kind_of(std::string("\xfd"
                                                    "7zXZ\0",
                                                    6))),
               "xz");
  EXPECT_STREQ(compression_name(kind_of("BZh9")), "bzip2");
  EXPECT_STREQ(compression_name(kind_of("\x02\x21\x4c\x18")), "lz4");
  EXPECT_STREQ(compression_name(kind_of(std::string("\x5d\x00\x00", 3))), "lzma");
  EXPECT_STREQ(compression_name(kind_of("\x89LZO")), "lzo");
  EXPECT_EQ(compression_name(FileKind::kTar), nullptr);
}

}  // namespace
}  // namespace eifkit
