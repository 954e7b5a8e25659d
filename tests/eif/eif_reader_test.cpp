// The reader recomputes every vector's PCRs and CRC, reports its section table, metadata and
// signature as the reference reader does, and refuses each kind of corruption with one
// message naming the file.
#include "lib/eif/eif_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "formats/byte_order.h"
#include "formats/eif_section.h"
#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/hash/sha384.h"
#include "tests/support/independent_hash.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::read_json;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

std::string crc_hex(uint32_t crc) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", crc);
  return buf;
}

std::string eif_path(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}

// ---- Vectors ----------------------------------------------------------------------------

class ReaderOnVector : public testing::TestWithParam<std::string> {
 protected:
  std::string name() const { return GetParam(); }
  nlohmann::json build_json() const {
    return read_json(vector_path("eif/" + name() + ".build.json"));
  }
  nlohmann::json describe_json() const {
    return read_json(vector_path("eif/" + name() + ".describe.json"));
  }
};

TEST_P(ReaderOnVector, MeasurementsAreTheReferenceBuilders) {
  EifImage image = open_eif(eif_path(name()));
  EifScan scan = scan_eif(image);
  auto expected = build_json();
  EXPECT_EQ(to_hex(scan.measurements.pcr0), expected["PCR0"].get<std::string>());
  EXPECT_EQ(to_hex(scan.measurements.pcr1), expected["PCR1"].get<std::string>());
  EXPECT_EQ(to_hex(scan.measurements.pcr2), expected["PCR2"].get<std::string>());
  if (expected.contains("PCR8")) {
    ASSERT_TRUE(scan.measurements.pcr8.has_value());
    EXPECT_EQ(to_hex(*scan.measurements.pcr8), expected["PCR8"].get<std::string>());
  } else {
    EXPECT_FALSE(scan.measurements.pcr8.has_value());
  }
  EXPECT_EQ(measurements_json(scan.measurements), expected);
}

TEST_P(ReaderOnVector, CrcIsCheckedAndRecomputed) {
  EifImage image = open_eif(eif_path(name()));
  EifScan scan = scan_eif(image);
  auto expected = describe_json();
  EXPECT_TRUE(scan.crc_ok);
  EXPECT_EQ(crc_hex(scan.computed_crc), expected["ComputedCRC"].get<std::string>());
  EXPECT_EQ(scan.computed_crc, image.header.crc32);
}

TEST_P(ReaderOnVector, SectionTableIsTheReferenceReaders) {
  EifImage image = open_eif(eif_path(name()));
  auto expected = describe_json();
  EXPECT_EQ(image.file_size, expected["FileSize"].get<uint64_t>());
  const auto& sections = expected["Structure"]["Sections"];
  ASSERT_EQ(image.sections.size(), sections.size());
  for (size_t i = 0; i < sections.size(); ++i) {
    SCOPED_TRACE("section " + std::to_string(i));
    EXPECT_EQ(image.sections[i].type, sections[i]["Type"].get<uint16_t>());
    EXPECT_EQ(image.sections[i].flags, sections[i]["Flags"].get<uint16_t>());
    EXPECT_EQ(image.sections[i].offset, sections[i]["Offset"].get<uint64_t>());
    EXPECT_EQ(image.sections[i].size, sections[i]["Size"].get<uint64_t>());
    EXPECT_EQ(image.sections[i].data_offset(), image.sections[i].offset + 12);
  }
}

TEST_P(ReaderOnVector, MetadataIsTheReferenceReaders) {
  EifImage image = open_eif(eif_path(name()));
  EifScan scan = scan_eif(image);
  ASSERT_TRUE(scan.metadata.has_value());
  EXPECT_EQ(*scan.metadata, describe_json()["Metadata"]);
}

TEST_P(ReaderOnVector, SignatureOnlyWhenSigned) {
  EifImage image = open_eif(eif_path(name()));
  EifScan scan = scan_eif(image);
  bool is_signed = describe_json()["IsSigned"].get<bool>();
  EXPECT_EQ(is_signed, name() == "signed");
  ASSERT_EQ(scan.signature.has_value(), is_signed);
  if (is_signed) {
    // The whole section, as stored.
    const EifSectionInfo& last = image.sections.back();
    EXPECT_EQ(last.type, 4);
    auto bytes = read_bytes(eif_path(name()));
    EXPECT_EQ(*scan.signature,
              std::vector<uint8_t>(bytes.begin() + static_cast<ptrdiff_t>(last.data_offset()),
                                   bytes.end()));
  }
}

TEST_P(ReaderOnVector, CmdlineIsKept) {
  EifImage image = open_eif(eif_path(name()));
  EifScan scan = scan_eif(image);
  EXPECT_EQ(scan.cmdline, read_bytes(vector_path("eif/inputs/cmdline.txt")));
}

INSTANTIATE_TEST_SUITE_P(Vectors, ReaderOnVector,
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

// What diff asks of a scan: every section's SHA-384 (taken from PCR2's digest when there is
// one application ramdisk), and each ramdisk's bytes handed over as they are measured, with
// the same PCRs and CRC as a plain scan.
TEST_P(ReaderOnVector, SectionDigestsAndRamdiskReadsInTheSamePass) {
  EifImage plain_image = open_eif(eif_path(GetParam()));
  EifScan plain = scan_eif(plain_image);
  EifImage image = open_eif(eif_path(GetParam()));
  std::vector<std::vector<uint8_t>> ramdisks;
  ScanOptions options;
  options.section_digests = true;
  options.read_ramdisk = [&](size_t index, ByteSource& data) {
    EXPECT_EQ(index, ramdisks.size());
    ramdisks.emplace_back();
    std::vector<uint8_t> buf(4097);  // not a divisor of the chunk size; half is left unread
    size_t n = data.read(buf);
    ramdisks.back().assign(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(n / 2));
  };
  EifScan scan = scan_eif(image, options);
  EXPECT_EQ(scan.measurements.pcr0, plain.measurements.pcr0);
  EXPECT_EQ(scan.measurements.pcr1, plain.measurements.pcr1);
  EXPECT_EQ(scan.measurements.pcr2, plain.measurements.pcr2);
  EXPECT_EQ(scan.computed_crc, plain.computed_crc);
  std::vector<uint8_t> file = read_bytes(eif_path(GetParam()));
  ASSERT_EQ(scan.section_sha384.size(), image.sections.size());
  size_t ramdisk = 0;
  for (size_t i = 0; i < image.sections.size(); ++i) {
    const EifSectionInfo& s = image.sections[i];
    std::span<const uint8_t> data(file.data() + s.data_offset(), s.size);
    EXPECT_EQ(to_hex(scan.section_sha384[i]), test::openssl_sha384_hex(data)) << "section " << i;
    if (s.type == static_cast<uint16_t>(SectionType::kRamdisk)) {  // handed over from its start
      ASSERT_LT(ramdisk, ramdisks.size());
      EXPECT_TRUE(std::equal(ramdisks[ramdisk].begin(), ramdisks[ramdisk].end(), data.begin()));
      ++ramdisk;
    }
  }
  EXPECT_EQ(ramdisk, ramdisks.size());
}

TEST(EifReader, HeaderIsDecoded) {
  EifImage image = open_eif(eif_path("aarch64"));
  EXPECT_EQ(image.header.version, 4);
  EXPECT_EQ(header_arch(image.header), Arch::kAarch64);
  EXPECT_EQ(image.header.num_sections, 5);
  EXPECT_EQ(image.file.path(), eif_path("aarch64"));
}

// ---- Corruptions ------------------------------------------------------------------------

// two-ramdisks.eif: kernel header at 548, cmdline 66096 (119 bytes), metadata 66227 (245),
// ramdisks 66484 (3000) and 69496 (5000); 74508 bytes.
constexpr size_t kCmdlineHeader = 66096;
constexpr size_t kMetadataHeader = 66227;
constexpr size_t kKernelData = 548 + 12;

class CorruptVector : public testing::Test {
 protected:
  // A patched copy of a vector in the scratch directory; returns its path.
  std::string copy(const std::string& vector,
                   const std::function<void(std::vector<uint8_t>&)>& patch) {
    auto bytes = read_bytes(eif_path(vector));
    patch(bytes);
    std::string path = dir_ / (vector + "-corrupt.eif");
    write_bytes(path, bytes);
    return path;
  }

  // The message open_eif + scan_eif throw, or "(no error)".
  static std::string read_error(const std::string& path) {
    try {
      EifImage image = open_eif(path);
      scan_eif(image);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  ScratchDir dir_;
};

TEST_F(CorruptVector, BadMagic) {
  auto path = copy("two-ramdisks", [](auto& b) { b[0] = 'X'; });
  EXPECT_EQ(read_error(path), path + ": not an EIF (bad magic)");
}

TEST_F(CorruptVector, UnsupportedVersion) {
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[4], 5); });
  EXPECT_EQ(read_error(path), path + ": unsupported EIF version 5 (eifkit reads 1 to 4)");
}

TEST_F(CorruptVector, ThirtyThreeSections) {
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[26], 33); });
  EXPECT_EQ(read_error(path), path + ": header declares 33 sections (at most 32)");
}

TEST_F(CorruptVector, SectionPastEndOfFile) {
  auto path = copy("two-ramdisks", [](auto& b) { b.pop_back(); });
  EXPECT_EQ(read_error(path),
            path +
                ": section 4 (offset 69496, size 5000) extends past the end of the file "
                "(74507 bytes)");
}

TEST_F(CorruptVector, HugeSectionSizeInTable) {
  auto path = copy("two-ramdisks", [](auto& b) {
    store_be<uint64_t>(&b[284 + 4 * 8], std::numeric_limits<uint64_t>::max());
  });
  EXPECT_EQ(read_error(path),
            path +
                ": section 4 (offset 69496, size 18446744073709551615) extends past the end of "
                "the file (74508 bytes)");
}

TEST_F(CorruptVector, ShorterThanAHeader) {
  auto path = copy("two-ramdisks", [](auto& b) { b.resize(100); });
  EXPECT_EQ(read_error(path), path + ": too short for an EIF header (100 bytes, need 548)");
  path = copy("two-ramdisks", [](auto& b) { b.resize(547); });
  EXPECT_EQ(read_error(path), path + ": too short for an EIF header (547 bytes, need 548)");
  path = copy("two-ramdisks", [](auto& b) { b.clear(); });
  EXPECT_EQ(read_error(path), path + ": too short for an EIF header (0 bytes, need 548)");
}

TEST_F(CorruptVector, SectionHeaderSizeDisagreesWithTable) {
  auto path =
      copy("two-ramdisks", [](auto& b) { store_be<uint64_t>(&b[kCmdlineHeader + 4], 118); });
  EXPECT_EQ(read_error(path),
            path + ": section 1 header says 118 bytes but the header table says 119");
}

TEST_F(CorruptVector, UnknownSectionType) {
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[kCmdlineHeader], 9); });
  EXPECT_EQ(read_error(path), path + ": section 1 has unknown type 9");
}

TEST_F(CorruptVector, InvalidSectionTypeZero) {
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[548], 0); });
  EXPECT_EQ(read_error(path), path + ": section 0 has unknown type 0");
}

TEST_F(CorruptVector, DuplicateKernel) {
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[kCmdlineHeader], 1); });
  EXPECT_EQ(read_error(path), path + ": more than one kernel section");
}

TEST_F(CorruptVector, MissingCmdline) {
  // The cmdline retyped as a ramdisk: three ramdisks, no cmdline.
  auto path = copy("two-ramdisks", [](auto& b) { store_be<uint16_t>(&b[kCmdlineHeader], 3); });
  EXPECT_EQ(read_error(path), path + ": has no cmdline section");
}

TEST_F(CorruptVector, MetadataNotJson) {
  auto path = copy("two-ramdisks", [](auto& b) {
    ASSERT_EQ(b[kMetadataHeader + 12], '{');
    b[kMetadataHeader + 12] = 'x';
  });
  EXPECT_EQ(read_error(path),
            path +
                ": metadata section is not valid JSON: parse error at line 1, column 1: "
                "syntax error while parsing value - invalid literal; last "
                "read: 'x'");
}

TEST_F(CorruptVector, SignatureNotCbor) {
  // signed.eif's signature section starts at 74508; its data with 0x81 (array of 1).
  auto path = copy("signed", [](auto& b) {
    ASSERT_EQ(b[74508 + 12], 0x81);
    b[74508 + 12] = 0xff;
  });
  EXPECT_EQ(read_error(path),
            path +
                ": signature section is not valid CBOR: parse error at byte 1: syntax "
                "error while parsing CBOR value: invalid byte: 0xFF");
}

TEST_F(CorruptVector, MissingFile) {
  std::string path = dir_ / "absent.eif";
  EXPECT_EQ(read_error(path), path + ": cannot open: No such file or directory");
}

TEST_F(CorruptVector, FlippedKernelByteBreaksCrcPcr0AndPcr1Only) {
  auto path = copy("two-ramdisks", [](auto& b) { b[kKernelData + 1000] ^= 0xff; });
  EifImage image = open_eif(path);
  EifScan scan = scan_eif(image);
  auto expected = read_json(vector_path("eif/two-ramdisks.build.json"));
  EXPECT_FALSE(scan.crc_ok);
  EXPECT_EQ(crc_hex(image.header.crc32), "0x1d8e987f");
  EXPECT_NE(scan.computed_crc, image.header.crc32);
  EXPECT_NE(to_hex(scan.measurements.pcr0), expected["PCR0"].get<std::string>());
  EXPECT_NE(to_hex(scan.measurements.pcr1), expected["PCR1"].get<std::string>());
  EXPECT_EQ(to_hex(scan.measurements.pcr2), expected["PCR2"].get<std::string>());
}

TEST_F(CorruptVector, FlippedMetadataByteBreaksCrcButNoPcr) {
  // "vec-img" -> "wec-img": still JSON, not measured.
  auto path = copy("two-ramdisks", [](auto& b) {
    size_t at = kMetadataHeader + 12 + std::string(R"({"ImageName":")").size();
    ASSERT_EQ(b[at], 'v');
    b[at] = 'w';
  });
  EifImage image = open_eif(path);
  EifScan scan = scan_eif(image);
  auto expected = read_json(vector_path("eif/two-ramdisks.build.json"));
  EXPECT_FALSE(scan.crc_ok);
  EXPECT_EQ(measurements_json(scan.measurements), expected);
  EXPECT_EQ((*scan.metadata)["ImageName"], "wec-img");
}

TEST_F(CorruptVector, FlippedHeaderCrcFieldOnlyBreaksCrc) {
  auto path = copy("two-ramdisks", [](auto& b) { b[547] ^= 1; });
  EifImage image = open_eif(path);
  EifScan scan = scan_eif(image);
  EXPECT_FALSE(scan.crc_ok);
  EXPECT_EQ(crc_hex(scan.computed_crc), "0x1d8e987f");
}

}  // namespace
}  // namespace eifkit
