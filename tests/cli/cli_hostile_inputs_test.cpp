// Every reproducer in fuzz-cases/ (crashes, exhaustion and escaped exceptions found by fuzzing
// and by hand), run through the command that reads it: refused with exit 1 or 2 and one line
// naming the file, within bounded CPU and memory, leaving nothing behind. A new reproducer
// dropped into fuzz-cases/TARGET/ is picked up without a change here.
#include <zlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lib/eif/eif_writer.h"
#include "tests/support/test_support.h"

namespace eifkit::test {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The bounds the issue sets for one refusal; sanitizers multiply both.
constexpr double kMaxCpuSeconds = 5;
constexpr uint64_t kMaxRssKb = 256 * 1024;

std::vector<std::string> fuzz_case_files() {
  std::vector<std::string> out;
  for (const auto& target : fs::directory_iterator(EIFKIT_FUZZ_CASES)) {
    // cpio/ holds valid ramdisks with Latin-1 names: accepted, and tested by LosslessNames.
    if (!target.is_directory() || target.path().filename() == "cpio") continue;
    for (const auto& file : fs::directory_iterator(target.path())) {
      if (file.is_regular_file())
        out.push_back(target.path().filename().string() + "/" + file.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The case's bytes, gunzipped when stored as .gz.
std::vector<uint8_t> case_bytes(const std::string& relative) {
  std::string path = std::string(EIFKIT_FUZZ_CASES) + "/" + relative;
  if (!relative.ends_with(".gz")) return read_bytes(path);
  gzFile in = gzopen(path.c_str(), "rb");
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<uint8_t> out;
  uint8_t buf[1 << 16];
  for (int n; (n = gzread(in, buf, sizeof buf)) > 0;) out.insert(out.end(), buf, buf + n);
  gzclose(in);
  return out;
}

std::string stored_name(const std::string& relative) {
  std::string name = fs::path(relative).filename().string();
  return name.ends_with(".gz") ? name.substr(0, name.size() - 3) : name;
}

// An EIF whose signature section is `section`: how the raw COSE/signature cases reach the CLI.
void write_eif_with_signature(const std::string& path, std::vector<uint8_t> section) {
  EifPlan plan;
  std::string cmdline = "console=ttyS0";
  plan.sections = {{SectionType::kKernel, bytes_section({0x4d, 0x5a, 0, 0})},
                   {SectionType::kCmdline, bytes_section({cmdline.begin(), cmdline.end()})},
                   {SectionType::kRamdisk, bytes_section({})}};
  plan.sign = [section](const Measurements&) { return section; };
  write_eif_file(plan, path);
}

Strings boot_flags() {
  return {"--kernel",       vector_path("eif/inputs/kernel.bin"),
          "--cmdline-file", vector_path("eif/inputs/cmdline.txt"),
          "--init",         vector_path("ramdisk/init.bin"),
          "--nsm",          vector_path("ramdisk/nsm.ko.bin"),
          "--build-time",   "2024-01-01T00:00:00+00:00"};
}

Strings with(Strings a, const Strings& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class HostileInput : public ::testing::TestWithParam<std::string> {};

TEST_P(HostileInput, IsRefusedWithOneLineNamingTheFileWithinBounds) {
  const std::string relative = GetParam();
  const std::string target = relative.substr(0, relative.find('/'));
  ScratchDir dir;
  fs::create_directory(dir / "in");
  fs::create_directory(dir / "out");
  fs::create_directory(dir / "tmp");
  std::string input = dir / ("in/" + stored_name(relative));
  Strings args;
  if (target == "cose") {
    input += ".eif";
    write_eif_with_signature(input, case_bytes(relative));
    args = {"verify", input};
  } else {
    write_bytes(input, case_bytes(relative));
    std::string output = dir / "out/enclave.eif";
    if (target == "eif_describe") {
      args = {"describe", input};
    } else if (target == "image") {
      args = with({"build", "--image", input, "--output", output}, boot_flags());
      // Fan-out images hold no files once each descriptor is read once: the missing command
      // is then what refuses them, naming the image.
    } else if (target == "layer") {
      args = with({"build", "--rootfs-tar", input, "--cmd", "/bin/sh", "--output", output},
                  boot_flags());
    } else if (target == "policy") {
      args = {"policy", "check", "--policy", input, "--eif", vector_path("eif/two-ramdisks.eif")};
    } else {
      FAIL() << "no command reads fuzz-cases/" << target << "/; add one to this test";
    }
  }
  auto before = dir.entries();
  RunResult r = run_eifkit(args, {"TMPDIR=" + (dir / "tmp")});

  EXPECT_TRUE(r.status == 1 || r.status == 2) << "status " << r.status << "\n" << r.err;
  if (r.status == 1 && r.err.empty()) {
    // verify's verdict: the report on stdout names the failed check and why.
    nlohmann::json report = nlohmann::json::parse(r.out);
    EXPECT_EQ(report["Verified"], false) << r.out;
    EXPECT_FALSE(report["Problems"].empty()) << r.out;
    EXPECT_EQ(r.out.find("internal error"), std::string::npos) << r.out;
  } else {
    // Exit 1 from describe is a verdict too (a CRC mismatch): its findings may be on stdout.
    if (r.status != 1) {
      EXPECT_EQ(r.out, "");
    }
    EXPECT_TRUE(r.err.starts_with("eifkit: ")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(fs::path(input).filename().string()), std::string::npos)
        << "the message does not name the file: " << r.err;
  }
  EXPECT_TRUE(fs::is_empty(dir / "out")) << "output left behind";
  EXPECT_TRUE(fs::is_empty(dir / "tmp")) << "temporary file left behind";
  EXPECT_EQ(dir.entries(), before);
  if (!kSanitized) {
    EXPECT_LT(r.cpu_seconds, kMaxCpuSeconds) << r.err;
    EXPECT_LT(r.max_rss_kb, kMaxRssKb) << r.err;
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(FuzzCases, HostileInput, ::testing::ValuesIn(fuzz_case_files()),
                         test_name);

// Linux names are bytes. A Latin-1 name in an image builds, and every JSON output that carries
// it gives a readable Name and the exact bytes in NameBase64.
TEST(LosslessNames, Latin1NamesInARamdiskAreListedWithTheirExactBytes) {
  ScratchDir dir;
  std::string cpio = dir / "latin1.cpio";
  write_bytes(cpio, case_bytes("cpio/min-latin1-names.cpio"));
  RunResult built =
      run_eifkit({"build", "--kernel", vector_path("eif/inputs/kernel.bin"), "--cmdline-file",
                  vector_path("eif/inputs/cmdline.txt"), "--ramdisk",
                  vector_path("ramdisk/bootstrap-linuxkit.cpio"), "--ramdisk", cpio, "--build-time",
                  "2024-01-01T00:00:00+00:00", "--output", dir / "latin1.eif"});
  ASSERT_EQ(built.status, 0) << built.err;
  RunResult listed = run_eifkit({"extract", "--list", dir / "latin1.eif"});
  ASSERT_EQ(listed.status, 0) << listed.err;
  nlohmann::json entries = nlohmann::json::parse(listed.out)["Ramdisks"][1]["Entries"];
  nlohmann::json file = entries[0];
  EXPECT_EQ(file["Name"], "caf\xef\xbf\xbd");  // U+FFFD where the byte is not UTF-8
  EXPECT_EQ(file["NameBase64"], "Y2Fm6Q==");   // "caf\xe9"
  nlohmann::json link = entries[1];
  EXPECT_EQ(link["Name"], "l");
  EXPECT_FALSE(link.contains("NameBase64"));  // UTF-8 names are given as they are
  EXPECT_EQ(link["TargetBase64"], "//4=");
}

TEST(LosslessNames, ADamagedEifWithLatin1NamesIsListedWithNoVerify) {
  ScratchDir dir;
  std::string eif = dir / "latin1.eif";
  write_bytes(eif, case_bytes("eif_describe/min-latin1-names.eif"));
  RunResult listed = run_eifkit({"extract", "--list", "--no-verify", eif});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_EQ(nlohmann::json::parse(listed.out)["Ramdisks"][0]["Entries"][0]["NameBase64"],
            "Y2Fm6Q==");
}

}  // namespace
}  // namespace eifkit::test
