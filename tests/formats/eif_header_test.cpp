// The EIF header and section-header codecs: every vector decodes to the fields the reference
// reader reports, encoding is the exact inverse of decoding, and eif_header_problem names each
// structural defect with the message users see.
#include "formats/eif_header.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "formats/eif_section.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::read_json;
using test::vector_path;

constexpr uint64_t kMax64 = std::numeric_limits<uint64_t>::max();

std::string crc_hex(uint32_t crc) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", crc);
  return buf;
}

std::vector<uint8_t> vector_bytes(const std::string& name) {
  return read_bytes(vector_path("eif/" + name + ".eif"));
}

// ---- Vectors ----------------------------------------------------------------------------

class HeaderOfVector : public testing::TestWithParam<std::string> {};

TEST_P(HeaderOfVector, DecodesToTheReferenceReadersFields) {
  auto bytes = vector_bytes(GetParam());
  ASSERT_GE(bytes.size(), kEifHeaderSize);
  auto expected = read_json(vector_path("eif/" + GetParam() + ".describe.json"))["Header"];
  EifHeader h = decode_eif_header(bytes.data());

  EXPECT_EQ(h.magic, kEifMagic);
  EXPECT_EQ(h.version, expected["Version"].get<uint16_t>());
  EXPECT_EQ(h.flags, expected["Flags"].get<uint16_t>());
  EXPECT_EQ(h.default_mem, expected["DefaultMem"].get<uint64_t>());
  EXPECT_EQ(h.default_cpus, expected["DefaultCpus"].get<uint64_t>());
  EXPECT_EQ(h.reserved, expected["Reserved"].get<uint16_t>());
  EXPECT_EQ(h.num_sections, expected["NumSections"].get<uint16_t>());
  EXPECT_EQ(h.unused, expected["Unused"].get<uint32_t>());
  EXPECT_EQ(crc_hex(h.crc32), expected["Crc32"].get<std::string>());

  auto offsets = expected["SectionOffsets"].get<std::vector<uint64_t>>();
  auto sizes = expected["SectionSizes"].get<std::vector<uint64_t>>();
  ASSERT_EQ(offsets.size(), h.num_sections);
  ASSERT_EQ(sizes.size(), h.num_sections);
  for (size_t i = 0; i < kMaxSections; ++i) {
    SCOPED_TRACE("slot " + std::to_string(i));
    EXPECT_EQ(h.section_offsets[i], i < offsets.size() ? offsets[i] : 0);
    EXPECT_EQ(h.section_sizes[i], i < sizes.size() ? sizes[i] : 0);
  }
  EXPECT_EQ(header_arch(h), expected["Flags"] == 1 ? Arch::kAarch64 : Arch::kX86_64);
}

TEST_P(HeaderOfVector, EncodeOfDecodeIsTheOriginalBytes) {
  auto bytes = vector_bytes(GetParam());
  ASSERT_GE(bytes.size(), kEifHeaderSize);
  auto encoded = encode_eif_header(decode_eif_header(bytes.data()));
  EXPECT_EQ(std::vector<uint8_t>(encoded.begin(), encoded.end()),
            std::vector<uint8_t>(bytes.begin(), bytes.begin() + kEifHeaderSize));
}

TEST_P(HeaderOfVector, HasNoProblem) {
  auto bytes = vector_bytes(GetParam());
  EXPECT_EQ(eif_header_problem(decode_eif_header(bytes.data()), bytes.size()), std::nullopt);
}

TEST_P(HeaderOfVector, SectionHeadersMatchTheTableAndRoundTrip) {
  auto bytes = vector_bytes(GetParam());
  auto sections =
      read_json(vector_path("eif/" + GetParam() + ".describe.json"))["Structure"]["Sections"];
  EifHeader h = decode_eif_header(bytes.data());
  ASSERT_EQ(sections.size(), h.num_sections);
  for (size_t i = 0; i < h.num_sections; ++i) {
    SCOPED_TRACE("section " + std::to_string(i));
    const uint8_t* raw = bytes.data() + h.section_offsets[i];
    SectionHeader sh = decode_section_header(raw);
    EXPECT_EQ(sh.type, sections[i]["Type"].get<uint16_t>());
    EXPECT_EQ(sh.flags, sections[i]["Flags"].get<uint16_t>());
    EXPECT_EQ(sh.size, sections[i]["Size"].get<uint64_t>());
    EXPECT_EQ(sh.size, h.section_sizes[i]);
    auto encoded = encode_section_header(sh);
    EXPECT_EQ(std::vector<uint8_t>(encoded.begin(), encoded.end()),
              std::vector<uint8_t>(raw, raw + kSectionHeaderSize));
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, HeaderOfVector,
                         testing::Values("two-ramdisks", "three-ramdisks", "one-ramdisk",
                                         "empty-app-ramdisk", "custom-metadata", "aarch64",
                                         "signed"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

// ---- Codec details ----------------------------------------------------------------------

TEST(EifHeaderCodec, FieldsAreBigEndianAtTheirOffsets) {
  EifHeader h;
  h.version = 0x0102;
  h.flags = 0x0304;
  h.default_mem = 0x05060708090a0b0cull;
  h.default_cpus = 0x0d0e0f1011121314ull;
  h.reserved = 0x1516;
  h.num_sections = 0x1718;
  h.section_offsets[0] = 0x2122232425262728ull;
  h.section_offsets[31] = 0x3132333435363738ull;
  h.section_sizes[0] = 0x4142434445464748ull;
  h.section_sizes[31] = 0x5152535455565758ull;
  h.unused = 0x61626364;
  h.crc32 = 0x71727374;
  auto b = encode_eif_header(h);

  EXPECT_EQ(std::vector<uint8_t>(b.begin(), b.begin() + 4),
            (std::vector<uint8_t>{0x2e, 0x65, 0x69, 0x66}));
  EXPECT_EQ(b[4], 0x01);
  EXPECT_EQ(b[5], 0x02);
  EXPECT_EQ(b[6], 0x03);
  EXPECT_EQ(b[7], 0x04);
  EXPECT_EQ(b[8], 0x05);
  EXPECT_EQ(b[15], 0x0c);
  EXPECT_EQ(b[16], 0x0d);
  EXPECT_EQ(b[23], 0x14);
  EXPECT_EQ(b[24], 0x15);
  EXPECT_EQ(b[25], 0x16);
  EXPECT_EQ(b[26], 0x17);
  EXPECT_EQ(b[27], 0x18);
  EXPECT_EQ(b[28], 0x21);
  EXPECT_EQ(b[35], 0x28);
  EXPECT_EQ(b[28 + 31 * 8], 0x31);
  EXPECT_EQ(b[283], 0x38);
  EXPECT_EQ(b[284], 0x41);
  EXPECT_EQ(b[291], 0x48);
  EXPECT_EQ(b[284 + 31 * 8], 0x51);
  EXPECT_EQ(b[539], 0x58);
  EXPECT_EQ(b[540], 0x61);
  EXPECT_EQ(b[543], 0x64);
  EXPECT_EQ(b[544], 0x71);
  EXPECT_EQ(b[547], 0x74);

  EifHeader back = decode_eif_header(b.data());
  EXPECT_EQ(back.version, h.version);
  EXPECT_EQ(back.flags, h.flags);
  EXPECT_EQ(back.default_mem, h.default_mem);
  EXPECT_EQ(back.default_cpus, h.default_cpus);
  EXPECT_EQ(back.reserved, h.reserved);
  EXPECT_EQ(back.num_sections, h.num_sections);
  EXPECT_EQ(back.section_offsets, h.section_offsets);
  EXPECT_EQ(back.section_sizes, h.section_sizes);
  EXPECT_EQ(back.unused, h.unused);
  EXPECT_EQ(back.crc32, h.crc32);
}

TEST(EifHeaderCodec, DefaultsAreWhatNitroCliWrites) {
  EifHeader h;
  EXPECT_EQ(h.magic, kEifMagic);
  EXPECT_EQ(h.version, 4);
  EXPECT_EQ(h.flags, 0);
  EXPECT_EQ(h.default_mem, 1073741824u);
  EXPECT_EQ(h.default_cpus, 2u);
  EXPECT_EQ(kEifHeaderSize, 548u);
}

TEST(EifHeaderCodec, ArchFromFlagBitZero) {
  EifHeader h;
  EXPECT_EQ(header_arch(h), Arch::kX86_64);
  h.flags = 1;
  EXPECT_EQ(header_arch(h), Arch::kAarch64);
  h.flags = 2;
  EXPECT_EQ(header_arch(h), Arch::kX86_64);
  EXPECT_STREQ(arch_name(Arch::kX86_64), "x86_64");
  EXPECT_STREQ(arch_name(Arch::kAarch64), "aarch64");
}

TEST(EifSectionCodec, TwelveBigEndianBytes) {
  auto b = encode_section_header({3, 0x0a0b, 0x0102030405060708ull});
  EXPECT_EQ(std::vector<uint8_t>(b.begin(), b.end()),
            (std::vector<uint8_t>{0, 3, 0x0a, 0x0b, 1, 2, 3, 4, 5, 6, 7, 8}));
  SectionHeader back = decode_section_header(b.data());
  EXPECT_EQ(back.type, 3);
  EXPECT_EQ(back.flags, 0x0a0b);
  EXPECT_EQ(back.size, 0x0102030405060708ull);
}

TEST(EifSectionCodec, TypeNamesAndKnownTypes) {
  EXPECT_EQ(section_type_name(0), "invalid");
  EXPECT_EQ(section_type_name(1), "kernel");
  EXPECT_EQ(section_type_name(2), "cmdline");
  EXPECT_EQ(section_type_name(3), "ramdisk");
  EXPECT_EQ(section_type_name(4), "signature");
  EXPECT_EQ(section_type_name(5), "metadata");
  EXPECT_EQ(section_type_name(6), "invalid");
  EXPECT_EQ(section_type_name(0xffff), "invalid");
  EXPECT_FALSE(is_known_section_type(0));
  for (uint16_t t = 1; t <= 5; ++t) EXPECT_TRUE(is_known_section_type(t)) << t;
  EXPECT_FALSE(is_known_section_type(6));
  EXPECT_FALSE(is_known_section_type(9));
  EXPECT_FALSE(is_known_section_type(0xffff));
}

// ---- eif_header_problem -----------------------------------------------------------------

// two-ramdisks.eif: sections at 548 (kernel 65536), 66096 (cmdline 119), 66227 (metadata 245),
// 66484 (ramdisk 3000), 69496 (ramdisk 5000); 74508 bytes.
class HeaderProblem : public testing::Test {
 protected:
  void SetUp() override {
    bytes_ = vector_bytes("two-ramdisks");
    h_ = decode_eif_header(bytes_.data());
    ASSERT_EQ(file_size(), 74508u);
    ASSERT_EQ(h_.num_sections, 5);
    ASSERT_EQ(h_.section_offsets[4], 69496u);
  }
  uint64_t file_size() const { return bytes_.size(); }
  std::optional<std::string> problem() const { return eif_header_problem(h_, file_size()); }

  std::vector<uint8_t> bytes_;
  EifHeader h_;
};

TEST_F(HeaderProblem, BadMagic) {
  h_.magic = {'.', 'e', 'l', 'f'};
  EXPECT_EQ(problem(), "not an EIF (bad magic)");
}

TEST_F(HeaderProblem, VersionZero) {
  h_.version = 0;
  EXPECT_EQ(problem(), "unsupported EIF version 0 (eifkit reads 1 to 4)");
}

TEST_F(HeaderProblem, VersionFive) {
  h_.version = 5;
  EXPECT_EQ(problem(), "unsupported EIF version 5 (eifkit reads 1 to 4)");
}

TEST_F(HeaderProblem, OlderVersionsShareTheLayout) {
  for (uint16_t v = 1; v <= 4; ++v) {
    h_.version = v;
    EXPECT_EQ(problem(), std::nullopt) << "version " << v;
  }
}

TEST_F(HeaderProblem, NoSections) {
  h_.num_sections = 0;
  EXPECT_EQ(problem(), "header declares no sections");
}

TEST_F(HeaderProblem, ThirtyThreeSections) {
  h_.num_sections = 33;
  EXPECT_EQ(problem(), "header declares 33 sections (at most 32)");
}

TEST_F(HeaderProblem, NonEmptySlotPastNumSections) {
  h_.num_sections = 4;
  EXPECT_EQ(problem(), "section table slot 4 is past num_sections but not empty");
}

TEST_F(HeaderProblem, NonEmptyLastSlotSizeOnly) {
  h_.section_sizes[31] = 1;
  EXPECT_EQ(problem(), "section table slot 31 is past num_sections but not empty");
}

TEST_F(HeaderProblem, SectionStartsInsideTheHeader) {
  h_.section_offsets[0] = 547;
  EXPECT_EQ(problem(), "section 0 starts inside the file header");
  h_.section_offsets[0] = 0;
  EXPECT_EQ(problem(), "section 0 starts inside the file header");
}

TEST_F(HeaderProblem, SectionExtendsPastEndOfFile) {
  EXPECT_EQ(eif_header_problem(h_, file_size() - 1),
            "section 4 (offset 69496, size 5000) extends past the end of the file (74507 bytes)");
}

TEST_F(HeaderProblem, SectionHeaderPastEndOfFile) {
  h_.section_offsets[4] = file_size() - 11;
  h_.section_sizes[4] = 0;
  EXPECT_EQ(problem(),
            "section 4 (offset 74497, size 0) extends past the end of the file (74508 bytes)");
}

TEST_F(HeaderProblem, OffsetPastEndOfFile) {
  h_.section_offsets[4] = kMax64 - 4;
  EXPECT_EQ(problem(),
            "section 4 (offset 18446744073709551611, size 5000) extends past the end of the file "
            "(74508 bytes)");
}

TEST_F(HeaderProblem, SizeNearTwoToTheSixtyFourDoesNotWrap) {
  h_.section_sizes[4] = kMax64 - 10;
  EXPECT_EQ(problem(),
            "section 4 (offset 69496, size 18446744073709551605) extends past the end of the file "
            "(74508 bytes)");
}

TEST_F(HeaderProblem, SizeWhoseEndWrapsToZeroIsCaught) {
  // offset + 12 + size == 2^64, i.e. 0 after wrapping: a naive end <= file_size check passes.
  h_.section_sizes[4] = kMax64 - (69496 + 12) + 1;
  EXPECT_EQ(problem(), "section 4 (offset 69496, size " + std::to_string(h_.section_sizes[4]) +
                           ") extends past the end of the file (74508 bytes)");
}

TEST_F(HeaderProblem, EmptySectionEndingExactlyAtEndOfFileIsFine) {
  h_.num_sections = 6;
  h_.section_offsets[5] = file_size();
  h_.section_sizes[5] = 0;
  EXPECT_EQ(eif_header_problem(h_, file_size() + kSectionHeaderSize), std::nullopt);
  EXPECT_EQ(eif_header_problem(h_, file_size() + kSectionHeaderSize - 1),
            "section 5 (offset 74508, size 0) extends past the end of the file (74519 bytes)");
}

TEST_F(HeaderProblem, OverlappingSections) {
  h_.section_offsets[1] = 66000;  // inside the kernel's data
  EXPECT_EQ(problem(), "sections 0 and 1 overlap");
}

TEST_F(HeaderProblem, SectionHeaderOverlappingThePreviousData) {
  h_.section_offsets[4] = 69496 - 1;  // still fits: the file has one byte to spare then
  EXPECT_EQ(problem(), "sections 3 and 4 overlap");
}

TEST_F(HeaderProblem, OverlapIsFoundWhateverTheTableOrder) {
  h_.section_offsets[0] = 69497;  // the kernel slot now points into the last ramdisk
  h_.section_sizes[0] = 4999;
  EXPECT_EQ(problem(), "sections 4 and 0 overlap");
}

TEST_F(HeaderProblem, ChecksRunInOrderMagicFirst) {
  h_.magic[0] = 'X';
  h_.version = 9;
  h_.num_sections = 0;
  EXPECT_EQ(problem(), "not an EIF (bad magic)");
  h_.magic = kEifMagic;
  EXPECT_EQ(problem(), "unsupported EIF version 9 (eifkit reads 1 to 4)");
}

}  // namespace
}  // namespace eifkit
