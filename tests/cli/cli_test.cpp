// The eifkit program end to end: what `build`, `describe` and `pcr` print, their exit
// statuses (0 ok, 1 CRC mismatch, 2 unusable input), one-line errors on stderr, and no output
// file left behind by a failed build.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "formats/eif_header.h"
#include "formats/hex.h"
#include "lib/eif/eif_reader.h"
#include "lib/hash/measurements.h"
#include "lib/hash/sha384.h"
#include "tests/support/independent_hash.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::read_json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using test::write_bytes;

const std::string kBuildTime = "2024-01-01T00:00:00+00:00";

std::string input(const std::string& name) {
  return vector_path("eif/inputs/" + name);
}
std::string eif_path(const std::string& name) {
  return vector_path("eif/" + name + ".eif");
}
json build_json(const std::string& name) {
  return read_json(vector_path("eif/" + name + ".build.json"));
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// `build` with the two-ramdisks vector inputs, writing `output`.
std::vector<std::string> build_args(const std::string& output,
                                    const std::vector<std::string>& extra = {}) {
  return concat({"build", "--kernel", input("kernel.bin"), "--cmdline-file", input("cmdline.txt"),
                 "--ramdisk", input("ramdisk-bootstrap.bin"), "--ramdisk", input("ramdisk-app.bin"),
                 "--output", output},
                extra);
}

std::vector<std::string> pinned(const std::string& output,
                                const std::vector<std::string>& extra = {}) {
  return build_args(output, concat({"--build-time", kBuildTime}, extra));
}

std::string printed(const json& j) {
  return j.dump(2) + "\n";
}

// Asserts the run failed with status 2 and one "eifkit: " line on stderr, nothing on stdout.
void expect_one_line_error(const RunResult& r, int status = 2) {
  EXPECT_EQ(r.status, status);
  EXPECT_TRUE(r.err.starts_with("eifkit: ")) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(r.err.ends_with("\n")) << r.err;
}

json describe_ok(const std::string& path) {
  RunResult r = run_eifkit({"describe", path});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return json::parse(r.out);
}

std::string crc_hex(uint32_t crc) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", crc);
  return buf;
}

// ---- build ------------------------------------------------------------------------------

TEST(CliBuild, PrintsTheVectorMeasurementsExactly) {
  ScratchDir dir;
  RunResult r = run_eifkit(pinned(dir / "app.eif"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, printed({{"Measurements", build_json("two-ramdisks")}}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliBuild, DescribeOfTheResult) {
  ScratchDir dir;
  ASSERT_EQ(run_eifkit(pinned(dir / "app.eif")).status, 0);
  json d = describe_ok(dir / "app.eif");
  EXPECT_EQ(d["Measurements"], build_json("two-ramdisks"));
  EXPECT_EQ(d["CheckCRC"], true);
  EXPECT_EQ(d["IsSigned"], false);
  EXPECT_EQ(d["EifVersion"], 4);
  EXPECT_EQ(d["Arch"], "x86_64");
  EXPECT_EQ(d["ImageName"], "app");
  EXPECT_EQ(d["ImageVersion"], "1.0");
  EXPECT_EQ(d["Metadata"]["BuildTool"], "eifkit");
  EXPECT_EQ(d["Metadata"]["BuildToolVersion"], EIFKIT_VERSION);
  EXPECT_EQ(d["Metadata"]["BuildTime"], kBuildTime);
  EXPECT_EQ(d["Metadata"]["OperatingSystem"], "Unknown");
  EXPECT_EQ(d["Metadata"]["KernelVersion"], "Unknown");
  EXPECT_EQ(d["Metadata"]["DockerInfo"], nullptr);
}

TEST(CliBuild, SectionsInNitroCliOrderContiguousFromTheHeader) {
  ScratchDir dir;
  ASSERT_EQ(run_eifkit(pinned(dir / "app.eif")).status, 0);
  json sections = describe_ok(dir / "app.eif")["Sections"];
  ASSERT_EQ(sections.size(), 5u);
  std::vector<std::string> types;
  for (const auto& s : sections) types.push_back(s["Type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"kernel", "cmdline", "metadata", "ramdisk", "ramdisk"}));
  EXPECT_EQ(sections[0]["Offset"], 548);
  EXPECT_EQ(sections[0]["Size"], 65536);
  EXPECT_EQ(sections[1]["Size"], 119);
  EXPECT_EQ(sections[3]["Size"], 3000);
  EXPECT_EQ(sections[4]["Size"], 5000);
  for (size_t i = 1; i < sections.size(); ++i) {
    EXPECT_EQ(
        sections[i]["Offset"].get<uint64_t>(),
        sections[i - 1]["Offset"].get<uint64_t>() + 12 + sections[i - 1]["Size"].get<uint64_t>());
  }
  EXPECT_EQ(read_bytes(dir / "app.eif").size(), sections[4]["Offset"].get<uint64_t>() + 12 + 5000);
}

TEST(CliBuild, NameAndVersion) {
  ScratchDir dir;
  ASSERT_EQ(
      run_eifkit(pinned(dir / "app.eif", {"--name", "my-enclave", "--image-version", "2.3.4"}))
          .status,
      0);
  json d = describe_ok(dir / "app.eif");
  EXPECT_EQ(d["ImageName"], "my-enclave");
  EXPECT_EQ(d["ImageVersion"], "2.3.4");
  EXPECT_EQ(d["Measurements"], build_json("two-ramdisks"));  // metadata is not measured
}

TEST(CliBuild, DefaultNameIsTheOutputStem) {
  ScratchDir dir;
  ASSERT_EQ(run_eifkit(pinned(dir / "service.v2.eif")).status, 0);
  EXPECT_EQ(describe_ok(dir / "service.v2.eif")["ImageName"], "service.v2");
  ASSERT_EQ(run_eifkit(pinned(dir / "plain")).status, 0);
  EXPECT_EQ(describe_ok(dir / "plain")["ImageName"], "plain");
}

TEST(CliBuild, Aarch64SetsHeaderFlagOne) {
  ScratchDir dir;
  RunResult r = run_eifkit(pinned(dir / "arm.eif", {"--arch", "aarch64"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, printed({{"Measurements", build_json("aarch64")}}));
  auto bytes = read_bytes(dir / "arm.eif");
  ASSERT_GE(bytes.size(), kEifHeaderSize);
  EXPECT_EQ(decode_eif_header(bytes.data()).flags, 1);
  EXPECT_EQ(bytes[6], 0);
  EXPECT_EQ(bytes[7], 1);
  json d = describe_ok(dir / "arm.eif");
  EXPECT_EQ(d["Arch"], "aarch64");
  std::vector<std::string> types;
  for (const auto& s : d["Sections"]) types.push_back(s["Type"]);
  EXPECT_EQ(types,
            (std::vector<std::string>{"kernel", "cmdline", "metadata", "ramdisk", "ramdisk"}));
  EXPECT_EQ(d["Measurements"], build_json("aarch64"));
}

TEST(CliBuild, X86HeaderFlagIsZero) {
  ScratchDir dir;
  ASSERT_EQ(run_eifkit(pinned(dir / "app.eif", {"--arch", "x86_64"})).status, 0);
  EXPECT_EQ(decode_eif_header(read_bytes(dir / "app.eif").data()).flags, 0);
}

TEST(CliBuild, DefaultCmdlinePerArch) {
  // The vector cmdline is nitro-cli's x86_64 default.
  ScratchDir dir;
  std::vector<std::string> args = {"build",
                                   "--kernel",
                                   input("kernel.bin"),
                                   "--ramdisk",
                                   input("ramdisk-bootstrap.bin"),
                                   "--ramdisk",
                                   input("ramdisk-app.bin"),
                                   "--build-time",
                                   kBuildTime};
  RunResult x86 = run_eifkit(concat(args, {"--output", dir / "x86.eif"}));
  ASSERT_EQ(x86.status, 0) << x86.err;
  EXPECT_EQ(x86.out, printed({{"Measurements", build_json("two-ramdisks")}}));

  RunResult arm = run_eifkit(concat(args, {"--output", dir / "arm.eif", "--arch", "aarch64"}));
  ASSERT_EQ(arm.status, 0) << arm.err;
  EifImage image = open_eif(dir / "arm.eif");
  EifScan scan = scan_eif(image);
  const std::string arm_cmdline =
      "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on root=/dev/ram0";
  EXPECT_EQ(std::string(scan.cmdline.begin(), scan.cmdline.end()), arm_cmdline);
  EXPECT_NE(json::parse(arm.out)["Measurements"]["PCR0"], build_json("two-ramdisks")["PCR0"]);
  EXPECT_EQ(json::parse(arm.out)["Measurements"]["PCR2"], build_json("two-ramdisks")["PCR2"]);
}

TEST(CliBuild, MetadataFileAppearsFlattened) {
  ScratchDir dir;
  ASSERT_EQ(
      run_eifkit(pinned(dir / "app.eif", {"--metadata", input("custom-metadata.json")})).status, 0);
  json d = describe_ok(dir / "app.eif");
  EXPECT_EQ(d["Metadata"]["team"], "vectors");
  EXPECT_EQ(d["Metadata"]["build"], 7);
  EXPECT_EQ(d["Metadata"]["labels"], json::parse(R"(["a","b"])"));
  EXPECT_EQ(d["Metadata"]["BuildTool"], "eifkit");
  EXPECT_EQ(d["Measurements"], build_json("custom-metadata"));
}

TEST(CliBuild, SameInputsTwiceAreByteIdentical) {
  ScratchDir first, second;
  ASSERT_EQ(run_eifkit(pinned(first / "app.eif")).status, 0);
  ASSERT_EQ(run_eifkit(pinned(second / "app.eif")).status, 0);
  EXPECT_EQ(read_bytes(first / "app.eif"), read_bytes(second / "app.eif"));
}

TEST(CliBuild, SourceDateEpochSetsBuildTime) {
  ScratchDir dir;
  RunResult r = run_eifkit(build_args(dir / "app.eif"), {"SOURCE_DATE_EPOCH=1704067200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(describe_ok(dir / "app.eif")["Metadata"]["BuildTime"], "2024-01-01T00:00:00+00:00");
}

TEST(CliBuild, SourceDateEpochBuildMatchesPinnedBuild) {
  ScratchDir a, b;
  ASSERT_EQ(run_eifkit(build_args(a / "app.eif"), {"SOURCE_DATE_EPOCH=1704067200"}).status, 0);
  ASSERT_EQ(run_eifkit(pinned(b / "app.eif")).status, 0);
  EXPECT_EQ(read_bytes(a / "app.eif"), read_bytes(b / "app.eif"));
}

TEST(CliBuild, BuildTimeFlagWinsOverSourceDateEpoch) {
  ScratchDir dir;
  RunResult r = run_eifkit(build_args(dir / "app.eif", {"--build-time", "2030-05-05T05:05:05Z"}),
                           {"SOURCE_DATE_EPOCH=1704067200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(describe_ok(dir / "app.eif")["Metadata"]["BuildTime"], "2030-05-05T05:05:05Z");
}

TEST(CliBuild, CmdlineStringEqualsTrimmedCmdlineFile) {
  ScratchDir dir;
  auto cmdline = read_bytes(input("cmdline.txt"));
  std::string text(cmdline.begin(), cmdline.end());
  const std::string padded = " \t" + text + " \n\t\r\n";
  write_bytes(dir / "cmdline-padded.txt", std::vector<uint8_t>(padded.begin(), padded.end()));

  std::vector<std::string> common = {"build",
                                     "--kernel",
                                     input("kernel.bin"),
                                     "--ramdisk",
                                     input("ramdisk-bootstrap.bin"),
                                     "--ramdisk",
                                     input("ramdisk-app.bin"),
                                     "--build-time",
                                     kBuildTime,
                                     "--name",
                                     "app"};
  RunResult from_string =
      run_eifkit(concat(common, {"--cmdline", text, "--output", dir / "string.eif"}));
  RunResult from_file = run_eifkit(
      concat(common, {"--cmdline-file", dir / "cmdline-padded.txt", "--output", dir / "file.eif"}));
  ASSERT_EQ(from_string.status, 0) << from_string.err;
  ASSERT_EQ(from_file.status, 0) << from_file.err;
  EXPECT_EQ(from_string.out, printed({{"Measurements", build_json("two-ramdisks")}}));
  EXPECT_EQ(from_file.out, from_string.out);
  EXPECT_EQ(read_bytes(dir / "string.eif"), read_bytes(dir / "file.eif"));
}

TEST(CliBuild, CmdlineStringIsMeasured) {
  ScratchDir dir;
  RunResult r = run_eifkit({"build", "--kernel", input("kernel.bin"), "--cmdline",
                            "console=ttyS0 quiet", "--ramdisk", input("ramdisk-bootstrap.bin"),
                            "--output", dir / "app.eif", "--build-time", kBuildTime});
  ASSERT_EQ(r.status, 0) << r.err;
  EifImage image = open_eif(dir / "app.eif");
  EifScan scan = scan_eif(image);
  EXPECT_EQ(std::string(scan.cmdline.begin(), scan.cmdline.end()), "console=ttyS0 quiet");
  // PCR1 = SHA-384(48 zero bytes || SHA-384(kernel || cmdline || bootstrap)), by python3.
  std::string cmdline = "console=ttyS0 quiet";
  write_bytes(dir / "cmdline", {cmdline.begin(), cmdline.end()});
  EXPECT_EQ(
      json::parse(r.out)["Measurements"]["PCR1"],
      test::python_pcr_hex({input("kernel.bin"), dir / "cmdline", input("ramdisk-bootstrap.bin")}));
}

TEST(CliBuild, ReplacesAnExistingOutput) {
  ScratchDir dir;
  write_bytes(dir / "app.eif", {'o', 'l', 'd'});
  ASSERT_EQ(run_eifkit(pinned(dir / "app.eif")).status, 0);
  EXPECT_EQ(describe_ok(dir / "app.eif")["Measurements"], build_json("two-ramdisks"));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

// ---- build errors -----------------------------------------------------------------------

TEST(CliBuildErrors, MissingRamdiskFile) {
  ScratchDir dir, inputs;
  std::string missing = inputs / "no-such-ramdisk.bin";
  RunResult r =
      run_eifkit({"build", "--kernel", input("kernel.bin"), "--cmdline-file", input("cmdline.txt"),
                  "--ramdisk", input("ramdisk-bootstrap.bin"), "--ramdisk", missing, "--output",
                  dir / "app.eif", "--build-time", kBuildTime});
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--ramdisk"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, MissingKernelFile) {
  ScratchDir dir;
  std::string missing = dir / "no-such-kernel";
  RunResult r = run_eifkit({"build", "--kernel", missing, "--ramdisk",
                            input("ramdisk-bootstrap.bin"), "--output", dir / "app.eif"});
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--kernel"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, MissingRequiredOption) {
  ScratchDir dir;
  RunResult r = run_eifkit({"build", "--kernel", input("kernel.bin"), "--output", dir / "a.eif"});
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--ramdisk"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, BadBuildTime) {
  ScratchDir dir;
  RunResult r = run_eifkit(build_args(dir / "app.eif", {"--build-time", "2024-13-01T00:00:00Z"}));
  expect_one_line_error(r);
  EXPECT_EQ(r.err,
            "eifkit: --build-time: '2024-13-01T00:00:00Z' is not an RFC 3339 time "
            "(like 2024-01-01T00:00:00+00:00)\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, BadSourceDateEpoch) {
  ScratchDir dir;
  RunResult r = run_eifkit(build_args(dir / "app.eif"), {"SOURCE_DATE_EPOCH=last-tuesday"});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: SOURCE_DATE_EPOCH: 'last-tuesday' is not a whole number of seconds\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, MetadataNotJson) {
  ScratchDir dir, inputs;
  write_bytes(inputs / "meta.json", {'{', 'n', 'o', 'p', 'e'});
  RunResult r = run_eifkit(pinned(dir / "app.eif", {"--metadata", inputs / "meta.json"}));
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: " + inputs / "meta.json" +
                       ": invalid JSON: parse error at line 1, column 3: syntax error while "
                       "parsing object key - invalid literal; last read: '{no'; expected "
                       "string literal\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, FailureLeavesAnExistingOutputUntouched) {
  ScratchDir dir, inputs;
  write_bytes(dir / "app.eif", {'o', 'l', 'd'});
  write_bytes(inputs / "meta.json", {'x'});
  RunResult r = run_eifkit(pinned(dir / "app.eif", {"--metadata", inputs / "meta.json"}));
  expect_one_line_error(r);
  EXPECT_EQ(read_bytes(dir / "app.eif"), (std::vector<uint8_t>{'o', 'l', 'd'}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"app.eif"});
}

TEST(CliBuildErrors, BadArch) {
  ScratchDir dir;
  RunResult r = run_eifkit(pinned(dir / "app.eif", {"--arch", "riscv64"}));
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--arch"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, CmdlineAndCmdlineFileExcludeEachOther) {
  ScratchDir dir;
  RunResult r = run_eifkit(pinned(dir / "app.eif", {"--cmdline", "console=ttyS0"}));
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--cmdline"), std::string::npos) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, TooManyRamdisks) {
  // kernel + cmdline + metadata + 30 ramdisks = 33 sections: one more than an EIF holds.
  ScratchDir dir;
  std::vector<std::string> args = {"build",         "--kernel",     input("kernel.bin"), "--output",
                                   dir / "app.eif", "--build-time", kBuildTime};
  for (int i = 0; i < 30; ++i) args = concat(args, {"--ramdisk", input("ramdisk-empty.bin")});
  RunResult r = run_eifkit(args);
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: --ramdisk: 30 ramdisks given, at most 29 fit in an EIF\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});

  args.resize(args.size() - 2);  // 29 ramdisks: 32 sections, the most an EIF holds
  RunResult ok = run_eifkit(args);
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(describe_ok(dir / "app.eif")["Sections"].size(), 32u);
}

TEST(CliBuildErrors, NameThatIsNotUtf8) {
  ScratchDir dir;
  RunResult r = run_eifkit(pinned(dir / "app.eif", {"--name", "bad\xff"}));
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: metadata: ImageName is not valid UTF-8\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

TEST(CliBuildErrors, OutputDirectoryMissing) {
  ScratchDir dir;
  std::string output = dir / "missing/app.eif";
  RunResult r = run_eifkit(pinned(output));
  expect_one_line_error(r);
  EXPECT_TRUE(r.err.starts_with("eifkit: " + output + ": ")) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{});
}

// ---- describe ---------------------------------------------------------------------------

class CliDescribeVector : public testing::TestWithParam<std::string> {};

TEST_P(CliDescribeVector, ReportsTheReferenceMeasurements) {
  const std::string name = GetParam();
  json d = describe_ok(eif_path(name));
  EXPECT_EQ(d["Measurements"], build_json(name));
  EXPECT_EQ(d["CheckCRC"], true);
  EXPECT_EQ(d["IsSigned"], name == "signed");
  EXPECT_EQ(d["EifVersion"], 4);
  EXPECT_EQ(d["Arch"], name == "aarch64" ? "aarch64" : "x86_64");
  EXPECT_EQ(d["ImageName"], "vec-img");
  EXPECT_EQ(d["ImageVersion"], "vec-img");
  EXPECT_EQ(d["Metadata"]["BuildTool"], "eif_build");
  EXPECT_EQ(d["Metadata"]["BuildTime"], kBuildTime);

  auto reference = read_json(vector_path("eif/" + name + ".describe.json"));
  const auto& sections = reference["Structure"]["Sections"];
  ASSERT_EQ(d["Sections"].size(), sections.size());
  const char* names[] = {"invalid", "kernel", "cmdline", "ramdisk", "signature", "metadata"};
  for (size_t i = 0; i < sections.size(); ++i) {
    EXPECT_EQ(d["Sections"][i]["Type"], names[sections[i]["Type"].get<int>()]);
    EXPECT_EQ(d["Sections"][i]["Offset"], sections[i]["Offset"]);
    EXPECT_EQ(d["Sections"][i]["Size"], sections[i]["Size"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, CliDescribeVector,
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

TEST(CliDescribe, CustomMetadataIsFlattened) {
  json m = describe_ok(eif_path("custom-metadata"))["Metadata"];
  EXPECT_EQ(m, json::parse(R"({"BuildTime":"2024-01-01T00:00:00+00:00","BuildTool":"eif_build",
      "BuildToolVersion":"0.3.1","OperatingSystem":"OS","KernelVersion":"kernel",
      "DockerInfo":null,"team":"vectors","build":7,"labels":["a","b"]})"));
}

TEST(CliDescribe, FlippedKernelByteIsACrcMismatch) {
  ScratchDir dir;
  auto bytes = read_bytes(eif_path("two-ramdisks"));
  bytes[548 + 12 + 4096] ^= 0x01;
  std::string path = dir / "flipped.eif";
  write_bytes(path, bytes);
  EifImage image = open_eif(path);
  uint32_t computed = scan_eif(image).computed_crc;

  RunResult r = run_eifkit({"describe", path});
  EXPECT_EQ(r.status, 1);
  json d = json::parse(r.out);
  EXPECT_EQ(d["CheckCRC"], false);
  EXPECT_NE(d["Measurements"]["PCR0"], build_json("two-ramdisks")["PCR0"]);
  EXPECT_EQ(d["Measurements"]["PCR2"], build_json("two-ramdisks")["PCR2"]);
  EXPECT_EQ(r.err, "eifkit: " + path + ": CRC mismatch (header 0x1d8e987f, computed " +
                       crc_hex(computed) + ")\n");
}

TEST(CliDescribe, BadMagic) {
  ScratchDir dir;
  auto bytes = read_bytes(eif_path("two-ramdisks"));
  bytes[1] = 'E';
  std::string path = dir / "bad-magic.eif";
  write_bytes(path, bytes);
  RunResult r = run_eifkit({"describe", path});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: " + path + ": not an EIF (bad magic)\n");
  EXPECT_EQ(r.out, "");
}

TEST(CliDescribe, TruncatedFile) {
  ScratchDir dir;
  auto bytes = read_bytes(eif_path("two-ramdisks"));
  bytes.resize(70000);
  std::string path = dir / "short.eif";
  write_bytes(path, bytes);
  RunResult r = run_eifkit({"describe", path});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: " + path +
                       ": section 4 (offset 69496, size 5000) extends past the end of the file "
                       "(70000 bytes)\n");
  EXPECT_EQ(r.out, "");
}

TEST(CliDescribe, MissingFile) {
  ScratchDir dir;
  RunResult r = run_eifkit({"describe", dir / "absent.eif"});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: " + dir / "absent.eif" + ": cannot open: No such file or directory\n");
}

// ---- pcr --------------------------------------------------------------------------------

TEST(CliPcr, InputFile) {
  RunResult r = run_eifkit({"pcr", "--input", input("kernel.bin")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, printed({{"PCR", test::python_pcr_hex({input("kernel.bin")})}}));
}

TEST(CliPcr, SigningCertificate) {
  RunResult r = run_eifkit({"pcr", "--signing-certificate", input("signing-cert.pem")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, printed({{"PCR8", build_json("signed")["PCR8"]}}));
}

TEST(CliPcr, RoleArn) {
  const std::string arn = "arn:aws:iam::123456789012:role/enclave-parent";
  RunResult r = run_eifkit({"pcr", "--role-arn", arn});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            printed({{"PCR3", to_hex(extend_pcr(std::vector<uint8_t>(arn.begin(), arn.end())))}}));
}

TEST(CliPcr, InstanceId) {
  const std::string id = "i-0123456789abcdef0";
  RunResult r = run_eifkit({"pcr", "--instance-id", id});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            printed({{"PCR4", to_hex(extend_pcr(std::vector<uint8_t>(id.begin(), id.end())))}}));
}

TEST(CliPcr, TwoAtOnceIsAnError) {
  const std::vector<std::vector<std::string>> pairs = {
      {"--input", input("kernel.bin"), "--role-arn", "arn:aws:iam::1:role/r"},
      {"--signing-certificate", input("signing-cert.pem"), "--instance-id", "i-1"},
      {"--role-arn", "arn:aws:iam::1:role/r", "--instance-id", "i-1"},
      {"--input", input("kernel.bin"), "--signing-certificate", input("signing-cert.pem")},
  };
  for (const auto& pair : pairs) {
    RunResult r = run_eifkit(concat({"pcr"}, pair));
    SCOPED_TRACE(pair[0] + " " + pair[2]);
    expect_one_line_error(r);
    EXPECT_EQ(r.out, "");
  }
}

TEST(CliPcr, NoneIsAnError) {
  RunResult r = run_eifkit({"pcr"});
  expect_one_line_error(r);
  EXPECT_EQ(r.out, "");
}

TEST(CliPcr, EmptyRoleArn) {
  RunResult r = run_eifkit({"pcr", "--role-arn", ""});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: --role-arn: '' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)\n");
}

TEST(CliPcr, EmptyInstanceId) {
  RunResult r = run_eifkit({"pcr", "--instance-id", ""});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: --instance-id: '' is not an instance ID\n");
}

TEST(CliPcr, NonPemCertificate) {
  RunResult r = run_eifkit({"pcr", "--signing-certificate", input("kernel.bin")});
  expect_one_line_error(r);
  EXPECT_EQ(r.err, "eifkit: " + input("kernel.bin") + ": not a PEM X.509 certificate\n");
}

TEST(CliPcr, MissingInputFile) {
  ScratchDir dir;
  RunResult r = run_eifkit({"pcr", "--input", dir / "absent.bin"});
  expect_one_line_error(r);
  EXPECT_NE(r.err.find("--input"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(dir / "absent.bin"), std::string::npos) << r.err;
}

// ---- help and usage ---------------------------------------------------------------------

// `eifkit ARGS` (a --help) succeeds and has a line starting with each of `starts`: a flag on
// its own option line ("  --kernel TEXT:FILE "), not a word that any help text holds; and
// each of `phrases` somewhere.
void expect_help(const std::vector<std::string>& args, const std::vector<std::string>& starts,
                 const std::vector<std::string>& phrases = {}) {
  RunResult r = run_eifkit(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines;
  for (size_t at = 0; at < r.out.size();) {
    size_t end = std::min(r.out.find('\n', at), r.out.size());
    lines.push_back(r.out.substr(at, end - at) + " ");  // "  --flag" ends a line too
    at = end + 1;
  }
  for (const auto& start : starts) {
    EXPECT_TRUE(std::any_of(lines.begin(), lines.end(),
                            [&](const std::string& l) { return l.rfind(start, 0) == 0; }))
        << "no line starting with '" << start << "' in:\n"
        << r.out;
  }
  for (const auto& p : phrases) EXPECT_NE(r.out.find(p), std::string::npos) << p << "\n" << r.out;
}

TEST(CliHelp, Top) {
  expect_help({"--help"}, {"Usage: eifkit [OPTIONS] SUBCOMMAND", "  -h,--help ", "  --version ",
                           "Subcommands:", "  build ", "  describe ", "  pcr ", "  sign "});
  EXPECT_EQ(run_eifkit({"-h"}).out, run_eifkit({"--help"}).out);
}

TEST(CliHelp, Build) {
  expect_help(
      {"build", "--help"},
      {"Usage: eifkit build [OPTIONS]", "  --kernel TEXT:FILE ", "  --kernel-config TEXT:FILE ",
       "  --cmdline-file TEXT:FILE ", "  --cmdline TEXT ", "  --ramdisk TEXT:FILE ...",
       "  --output TEXT ", "  --arch TEXT:{x86_64,aarch64}", "  --name TEXT ",
       "  --image-version TEXT ", "  --metadata TEXT:FILE ", "  --build-time TEXT "},
      {"RFC 3339 BuildTime (default: SOURCE_DATE_EPOCH, else now)"});
}

TEST(CliHelp, Describe) {
  expect_help({"describe", "--help"},
              {"Usage: eifkit describe [OPTIONS] eif", "  eif TEXT REQUIRED ", "  --progress "});
}

TEST(CliHelp, Pcr) {
  expect_help({"pcr", "--help"},
              {"Usage: eifkit pcr [OPTIONS]", "  --input TEXT:FILE ",
               "  --signing-certificate TEXT ", "  --role-arn TEXT ", "  --instance-id TEXT "},
              {"prints {\"PCR\": …}", "prints {\"PCR8\": …}", "prints {\"PCR3\": …}",
               "prints {\"PCR4\": …}"});
}

TEST(CliUsage, NoSubcommand) {
  RunResult r = run_eifkit({});
  expect_one_line_error(r);
  EXPECT_EQ(r.out, "");
}

TEST(CliUsage, UnknownSubcommandOrOption) {
  expect_one_line_error(run_eifkit({"frobnicate"}));
  expect_one_line_error(run_eifkit({"describe", "--frobnicate", eif_path("two-ramdisks")}));
}

}  // namespace
}  // namespace eifkit
