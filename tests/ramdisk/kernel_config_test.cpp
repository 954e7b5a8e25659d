// OperatingSystem and KernelVersion from a kernel .config, read as nitro-cli reads
// bzImage.config, and the metadata section they end up in: the reference builder's key order,
// compact, with the user's CustomMetadata re-serialised with sorted keys.
#include "lib/ramdisk/kernel_config.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "formats/eif_header.h"
#include "formats/eif_section.h"
#include "lib/base/error.h"
#include "lib/eif/metadata.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_bytes;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

// ---- parse_kernel_config_line -----------------------------------------------------------

TEST(KernelConfigLine, AmazonLinuxKernel) {
  KernelInfo k =
      parse_kernel_config_line("# Linux/x86_64 4.14.246-198.474.amzn2.x86_64 Kernel Configuration");
  EXPECT_EQ(k.operating_system, "Linux");
  EXPECT_EQ(k.kernel_version, "4.14.246");
}

TEST(KernelConfigLine, DebianCloudKernel) {
  KernelInfo k = parse_kernel_config_line("# Linux/x86 6.1.0-27-cloud-amd64 Kernel Configuration");
  EXPECT_EQ(k.operating_system, "Linux");
  EXPECT_EQ(k.kernel_version, "6.1.0");
}

TEST(KernelConfigLine, Arm64KernelWithoutLocalVersion) {
  KernelInfo k = parse_kernel_config_line("# Linux/arm64 5.10.0 Kernel Configuration");
  EXPECT_EQ(k.operating_system, "Linux");
  EXPECT_EQ(k.kernel_version, "5.10.0");
}

TEST(KernelConfigLine, TooFewPiecesGiveUnknown) {
  KernelInfo empty = parse_kernel_config_line("");
  EXPECT_EQ(empty.operating_system, "Unknown");
  EXPECT_EQ(empty.kernel_version, "Unknown");
  KernelInfo os_only = parse_kernel_config_line("# Linux");
  EXPECT_EQ(os_only.operating_system, "Linux");
  EXPECT_EQ(os_only.kernel_version, "Unknown");
}

// ---- read_kernel_config -----------------------------------------------------------------

TEST(KernelConfigFile, ReadsTheThirdLine) {
  ScratchDir dir;
  write_text(dir / "bzImage.config",
             "#\n"
             "# Automatically generated file; DO NOT EDIT.\n"
             "# Linux/x86_64 4.14.246-198.474.amzn2.x86_64 Kernel Configuration\n"
             "#\n"
             "CONFIG_64BIT=y\n");
  KernelInfo k = read_kernel_config(dir / "bzImage.config");
  EXPECT_EQ(k.operating_system, "Linux");
  EXPECT_EQ(k.kernel_version, "4.14.246");
}

TEST(KernelConfigFile, ThirdLineWithoutNewline) {
  ScratchDir dir;
  write_text(dir / "config",
             "#\n# Automatically generated file; DO NOT EDIT.\n"
             "# Linux/x86 6.1.0-27-cloud-amd64 Kernel Configuration");
  KernelInfo k = read_kernel_config(dir / "config");
  EXPECT_EQ(k.operating_system, "Linux");
  EXPECT_EQ(k.kernel_version, "6.1.0");
}

TEST(KernelConfigFile, ShortFileGivesUnknown) {
  ScratchDir dir;
  for (const std::string& text :
       {std::string(), std::string("#\n"), std::string("#\n# Automatically generated file\n")}) {
    write_text(dir / "config", text);
    KernelInfo k = read_kernel_config(dir / "config");
    EXPECT_EQ(k.operating_system, "Unknown") << text.size() << " bytes";
    EXPECT_EQ(k.kernel_version, "Unknown") << text.size() << " bytes";
  }
}

TEST(KernelConfigFile, MissingFile) {
  ScratchDir dir;
  std::string path = dir / "absent.config";
  EXPECT_EQ(error_of([&] { read_kernel_config(path); }), path + ": cannot open kernel config");
}

// ---- encode_metadata --------------------------------------------------------------------

// The data of a vector's metadata section.
std::string vector_metadata(const std::string& name) {
  auto bytes = read_bytes(vector_path("eif/" + name + ".eif"));
  EifHeader h = decode_eif_header(bytes.data());
  for (size_t i = 0; i < h.num_sections; ++i) {
    SectionHeader sh = decode_section_header(bytes.data() + h.section_offsets[i]);
    if (sh.type == static_cast<uint16_t>(SectionType::kMetadata)) {
      auto begin =
          bytes.begin() + static_cast<ptrdiff_t>(h.section_offsets[i] + kSectionHeaderSize);
      return std::string(begin, begin + static_cast<ptrdiff_t>(sh.size));
    }
  }
  ADD_FAILURE() << name << " has no metadata section";
  return "";
}

// What the reference builder was given for the vectors.
ImageMetadata vector_fields() {
  ImageMetadata m;
  m.image_name = "vec-img";
  m.image_version = "vec-img";
  m.build_time = "2024-01-01T00:00:00+00:00";
  m.build_tool = "eif_build";
  m.build_tool_version = "0.3.1";
  m.operating_system = "OS";
  m.kernel_version = "kernel";
  return m;
}

std::string text_of(const std::vector<uint8_t>& bytes) {
  return {bytes.begin(), bytes.end()};
}

TEST(EncodeMetadata, ReproducesTheVectorMetadataWithoutCustomMetadata) {
  EXPECT_EQ(text_of(encode_metadata(vector_fields())), vector_metadata("two-ramdisks"));
  EXPECT_EQ(vector_metadata("two-ramdisks"),
            R"({"ImageName":"vec-img","ImageVersion":"vec-img","BuildMetadata":{"BuildTime":)"
            R"("2024-01-01T00:00:00+00:00","BuildTool":"eif_build","BuildToolVersion":"0.3.1",)"
            R"("OperatingSystem":"OS","KernelVersion":"kernel"},"DockerInfo":null,)"
            R"("CustomMetadata":null})");
}

TEST(EncodeMetadata, ReproducesTheVectorWithCustomMetadataSorted) {
  ImageMetadata m = vector_fields();
  m.custom_metadata = read_custom_metadata(vector_path("eif/inputs/custom-metadata.json"));
  std::string encoded = text_of(encode_metadata(m));
  EXPECT_EQ(encoded, vector_metadata("custom-metadata"));
  // The input file says {"team":"vectors","build":7,"labels":["a","b"]}.
  EXPECT_NE(encoded.find(R"("CustomMetadata":{"build":7,"labels":["a","b"],"team":"vectors"}})"),
            std::string::npos)
      << encoded;
}

TEST(EncodeMetadata, CustomMetadataIsSortedAtEveryDepth) {
  ImageMetadata m = vector_fields();
  m.custom_metadata =
      nlohmann::json::parse(R"({"z":{"b":1,"a":[{"d":true,"c":null}]},"a":"x","m":1.5})");
  std::string encoded = text_of(encode_metadata(m));
  EXPECT_NE(
      encoded.find(R"("CustomMetadata":{"a":"x","m":1.5,"z":{"a":[{"c":null,"d":true}],"b":1}}})"),
      std::string::npos)
      << encoded;
}

TEST(EncodeMetadata, NonObjectCustomMetadataIsKept) {
  ImageMetadata m = vector_fields();
  m.custom_metadata = nlohmann::json::parse(R"(["b","a"])");
  std::string encoded = text_of(encode_metadata(m));
  EXPECT_TRUE(encoded.ends_with(R"("DockerInfo":null,"CustomMetadata":["b","a"]})")) << encoded;
}

TEST(EncodeMetadata, DefaultsNameEifkitAndItsVersion) {
  ImageMetadata m;
  m.image_name = "app";
  m.image_version = "1.0";
  m.build_time = "2024-01-01T00:00:00+00:00";
  m.operating_system = "Unknown";
  m.kernel_version = "Unknown";
  EXPECT_EQ(
      text_of(encode_metadata(m)),
      R"({"ImageName":"app","ImageVersion":"1.0","BuildMetadata":{"BuildTime":)"
      R"("2024-01-01T00:00:00+00:00","BuildTool":"eifkit","BuildToolVersion":")" EIFKIT_VERSION
      R"(","OperatingSystem":"Unknown","KernelVersion":"Unknown"},"DockerInfo":null,)"
      R"("CustomMetadata":null})");
}

TEST(EncodeMetadata, StringsAreEscapedAndUtf8IsKept) {
  ImageMetadata m = vector_fields();
  m.image_name = "a\"b\\c\xc3\xa9";  // a"b\cé
  std::string encoded = text_of(encode_metadata(m));
  EXPECT_TRUE(encoded.starts_with("{\"ImageName\":\"a\\\"b\\\\c\xc3\xa9\",")) << encoded;
}

TEST(EncodeMetadata, InvalidUtf8IsAnError) {
  ImageMetadata m = vector_fields();
  m.image_name = "bad\xff";
  EXPECT_EQ(error_of([&] { encode_metadata(m); }), "metadata: ImageName is not valid UTF-8");
  m = vector_fields();
  m.image_version = "\xc3";
  EXPECT_EQ(error_of([&] { encode_metadata(m); }), "metadata: ImageVersion is not valid UTF-8");
  m = vector_fields();
  m.kernel_version = "\xfe";
  EXPECT_EQ(error_of([&] { encode_metadata(m); }), "metadata: KernelVersion is not valid UTF-8");
}

// ---- read_custom_metadata ---------------------------------------------------------------

TEST(ReadCustomMetadata, NotJson) {
  ScratchDir dir;
  write_text(dir / "meta.json", "{\"team\": ");
  EXPECT_EQ(error_of([&] { read_custom_metadata(dir / "meta.json"); }),
            dir / "meta.json" +
                ": invalid JSON: parse error at line 1, column 10: syntax error while parsing "
                "value - unexpected end of input; expected '[', '{', or a literal");
  write_text(dir / "empty.json", "");
  EXPECT_EQ(error_of([&] { read_custom_metadata(dir / "empty.json"); }),
            dir / "empty.json" +
                ": invalid JSON: parse error at line 1, column 1: syntax error while parsing "
                "value - unexpected end of input; expected '[', '{', or a literal");
}

TEST(ReadCustomMetadata, AnyJsonValue) {
  ScratchDir dir;
  write_text(dir / "meta.json", " [1, \"two\"]\n");
  EXPECT_EQ(read_custom_metadata(dir / "meta.json"), nlohmann::json::parse(R"([1,"two"])"));
}

TEST(ReadCustomMetadata, MissingFile) {
  ScratchDir dir;
  EXPECT_EQ(error_of([&] { read_custom_metadata(dir / "absent.json"); }),
            dir / "absent.json" + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace eifkit
