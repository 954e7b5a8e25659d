// `eifkit diff`: pairs of images that differ in exactly one thing, built by the real binary,
// each with the exact report and exit status a user gets.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/image_fixtures.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using nlohmann::json;
using test::read_bytes;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::TarSpec;
using test::vector_path;
using test::write_bytes;
using Strings = std::vector<std::string>;

// The files of the test image; each case changes one thing.
std::vector<TarSpec> base_files() {
  return {TarSpec::dir("bin"), TarSpec::file("bin/hello", "hi\n", 0755), TarSpec::dir("etc"),
          TarSpec::file("etc/motd", "hello\n")};
}

class Diff : public ::testing::Test {
 protected:
  // Builds `files` as a root filesystem tar into NAME.eif, with the vector boot files unless
  // `extra` gives another (--cmdline replaces --cmdline-file).
  std::string build(const std::string& name, const std::vector<TarSpec>& files,
                    const Strings& extra = {}) {
    std::string tar = dir_ / (name + ".tar"), eif = dir_ / (name + ".eif");
    test::write_layer_tar(tar, files);
    auto given = [&](const std::string& flag) {
      return std::find(extra.begin(), extra.end(), flag) != extra.end();
    };
    Strings args = {
        "build", "--rootfs-tar", tar,   "--cmd",        "/bin/hello",          "--output",
        eif,     "--name",       "app", "--build-time", "2024-01-01T00:00:00Z"};
    std::vector<std::pair<std::string, std::string>> boot = {
        {"--kernel", vector_path("eif/inputs/kernel.bin")},
        {"--cmdline-file", vector_path("eif/inputs/cmdline.txt")},
        {"--init", vector_path("ramdisk/init.bin")},
        {"--nsm", vector_path("ramdisk/nsm.ko.bin")}};
    for (const auto& [flag, value] : boot) {
      if (given(flag) || (flag == "--cmdline-file" && given("--cmdline"))) continue;
      args.insert(args.end(), {flag, value});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = run_eifkit(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return eif;
  }

  // `diff --ramdisk-files A B`, which must exit with `status`, as JSON.
  json diff(const std::string& a, const std::string& b, int status, const Strings& extra = {}) {
    Strings args = {"diff", "--ramdisk-files", a, b};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = run_eifkit(args);
    EXPECT_EQ(r.status, status) << r.err << r.out;
    EXPECT_EQ(r.err, "");
    return json::parse(r.out);
  }

  // The application ramdisk's file changes.
  static const json& app_files(const json& report) { return report["Ramdisks"][1]["Files"]; }

  static void expect_app_ramdisk_only(const json& d) {
    EXPECT_EQ(d["Causes"], json::parse(R"({"PCR0": ["Ramdisk 1"], "PCR2": ["Ramdisk 1"]})"));
    EXPECT_EQ(d["Pcrs"]["PCR1"]["Equal"], true);
    EXPECT_EQ(d["Ramdisks"][0]["Equal"], true);
    EXPECT_EQ(d["Kernel"]["Equal"], true);
    EXPECT_EQ(d["Cmdline"]["Equal"], true);
    EXPECT_EQ(d["Metadata"]["Equal"], true);
    EXPECT_EQ(d["PcrsEqual"], false);
  }

  ScratchDir dir_;
};

TEST_F(Diff, OneFilesContent) {
  std::vector<TarSpec> files = base_files();
  files[1].data = "ho\n";
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  EXPECT_EQ(app_files(d), json::parse(R"({"Entries": {"A": 13, "B": 13}, "Added": 0,
      "Removed": 0, "Changed": 1, "ChangedAttributes": {"Content": 1}, "SameOrder": true,
      "FirstOutOfOrder": null, "Truncated": false, "Changes": [{"Name": "rootfs/bin/hello",
      "Change": "changed", "Attributes": {"Content": {
        "A": "sha256:98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
        "B": "sha256:56cc5eec55dc58c7043ac724f962e41892ef591552dd023a9b81f95958bfff63"}}}]})"));
}

TEST_F(Diff, OneMtime) {
  std::vector<TarSpec> files = base_files();
  files[3].mtime += 1;
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  EXPECT_EQ(app_files(d)["Changes"], json::parse(R"([{"Name": "rootfs/etc/motd",
      "Change": "changed", "Attributes": {"Mtime": {"A": 1700000000, "B": 1700000001}}}])"));
}

TEST_F(Diff, OneMode) {
  std::vector<TarSpec> files = base_files();
  files[3].mode = 0600;
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  EXPECT_EQ(app_files(d)["Changes"], json::parse(R"([{"Name": "rootfs/etc/motd",
      "Change": "changed", "Attributes": {"Mode": {"A": "0644", "B": "0600"}}}])"));
}

TEST_F(Diff, OneUid) {
  std::vector<TarSpec> files = base_files();
  files[1].uid = 1000;
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  EXPECT_EQ(app_files(d)["Changes"], json::parse(R"([{"Name": "rootfs/bin/hello",
      "Change": "changed", "Attributes": {"Uid": {"A": 0, "B": 1000}}}])"));
}

TEST_F(Diff, AFileAddedRenumbersTheInodesAfterIt) {
  std::vector<TarSpec> files = base_files();
  files.push_back(TarSpec::file("etc/new", "x"));
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  const json& f = app_files(d);
  EXPECT_EQ(f["Added"], 1);
  EXPECT_EQ(f["Removed"], 0);
  EXPECT_EQ(f["ChangedAttributes"], json::parse(R"({"Ino": 7})"));
  EXPECT_EQ(
      f["Changes"][0],
      json::parse(R"({"Name": "rootfs/etc/new", "Change": "added", "Type": "file", "Size": 1})"));
  EXPECT_EQ(f["SameOrder"], true);
}

TEST_F(Diff, AFileRemoved) {
  std::vector<TarSpec> files = base_files();
  files.pop_back();
  json d = diff(build("a", base_files()), build("b", files), 1);
  expect_app_ramdisk_only(d);
  const json& f = app_files(d);
  EXPECT_EQ(f["Removed"], 1);
  EXPECT_EQ(f["Changes"][0],
            json::parse(
                R"({"Name": "rootfs/etc/motd", "Change": "removed", "Type": "file", "Size": 6})"));
}

TEST_F(Diff, TheSameFilesInAnotherLayerSplitAreNoDifference) {
  std::string one = dir_ / "one.tar", first = dir_ / "first.tar", second = dir_ / "second.tar";
  std::vector<TarSpec> files = base_files();
  test::write_layer_tar(one, files);
  test::write_layer_tar(first, {files[0], files[1]});
  test::write_layer_tar(second, {files[2], files[3]});
  std::string a = dir_ / "a.image.tar", b = dir_ / "b.image.tar";
  test::write_docker_archive(a, {one}, {{"Cmd", {"/bin/hello"}}});
  test::write_docker_archive(b, {first, second}, {{"Cmd", {"/bin/hello"}}});
  auto build_image = [&](const std::string& image, const std::string& eif) {
    RunResult r = run_eifkit(
        {"build", "--image", image, "--output", eif, "--kernel",
         vector_path("eif/inputs/kernel.bin"), "--cmdline-file",
         vector_path("eif/inputs/cmdline.txt"), "--init", vector_path("ramdisk/init.bin"), "--nsm",
         vector_path("ramdisk/nsm.ko.bin"), "--build-time", "2024-01-01T00:00:00Z"});
    EXPECT_EQ(r.status, 0) << r.err;
  };
  build_image(a, dir_ / "a.eif");
  build_image(b, dir_ / "b.eif");
  json d = diff(dir_ / "a.eif", dir_ / "b.eif", 0);
  EXPECT_EQ(d["PcrsEqual"], true);
  EXPECT_EQ(d["Causes"], json::object());
  EXPECT_EQ(d["Ramdisks"][1]["Equal"], true);
  EXPECT_FALSE(d["Ramdisks"][1].contains("Files"));
  // The image's digest is in the metadata, which no PCR covers.
  EXPECT_EQ(d["OnlyOutsidePcrs"], true);
  EXPECT_EQ(d["Metadata"]["Equal"], false);
}

TEST_F(Diff, TheKernel) {
  std::vector<uint8_t> kernel = read_bytes(vector_path("eif/inputs/kernel.bin"));
  kernel.push_back(0);
  write_bytes(dir_ / "kernel2", kernel);
  json d =
      diff(build("a", base_files()), build("b", base_files(), {"--kernel", dir_ / "kernel2"}), 1);
  EXPECT_EQ(d["Causes"], json::parse(R"({"PCR0": ["Kernel"], "PCR1": ["Kernel"]})"));
  EXPECT_EQ(d["Kernel"]["A"]["Size"].get<uint64_t>() + 1, d["Kernel"]["B"]["Size"].get<uint64_t>());
  EXPECT_EQ(d["Pcrs"]["PCR2"]["Equal"], true);
}

TEST_F(Diff, TheCmdline) {
  json d = diff(build("a", base_files(), {"--cmdline", "console=ttyS0 quiet"}),
                build("b", base_files(), {"--cmdline", "console=ttyS0 debug"}), 1);
  EXPECT_EQ(d["Causes"], json::parse(R"({"PCR0": ["Cmdline"], "PCR1": ["Cmdline"]})"));
  EXPECT_EQ(d["Cmdline"]["Removed"], json::array({"quiet"}));
  EXPECT_EQ(d["Cmdline"]["Added"], json::array({"debug"}));
}

TEST_F(Diff, TheInit) {
  std::vector<uint8_t> init = read_bytes(vector_path("ramdisk/init.bin"));
  init.push_back(0);
  write_bytes(dir_ / "init2", init);
  json d = diff(build("a", base_files()), build("b", base_files(), {"--init", dir_ / "init2"}), 1);
  EXPECT_EQ(d["Causes"], json::parse(R"({"PCR0": ["Ramdisk 0"], "PCR1": ["Ramdisk 0"]})"));
  const json& f = d["Ramdisks"][0]["Files"];
  ASSERT_EQ(f["Changes"].size(), 1u) << f.dump();
  EXPECT_EQ(f["Changes"][0]["Name"], "init");
  EXPECT_EQ(f["ChangedAttributes"], json::parse(R"({"Content": 1, "Size": 1})"));
}

TEST_F(Diff, TheSigningCertificate) {
  auto identity = [&](const std::string& name) {
    Strings id = {"--private-key", dir_ / (name + ".key"), "--signing-certificate",
                  dir_ / (name + ".pem")};
    RunResult r = run_eifkit({"keygen", "--private-key", id[1], "--signing-certificate", id[3]});
    EXPECT_EQ(r.status, 0) << r.err;
    return id;
  };
  Strings first = identity("first"), second = identity("second");
  json d = diff(build("a", base_files(), first), build("b", base_files(), second), 1);
  EXPECT_EQ(d["Causes"], json::parse(R"({"PCR8": ["Signature"]})"));
  EXPECT_EQ(d["Signature"]["CertificateEqual"], false);
  EXPECT_EQ(d["Signature"]["A"]["Subject"], d["Signature"]["B"]["Subject"]);
  EXPECT_NE(d["Signature"]["A"]["Sha256Fingerprint"], d["Signature"]["B"]["Sha256Fingerprint"]);

  // Signed twice with one certificate: ECDSA signatures differ, the PCRs do not.
  json again = diff(build("c", base_files(), first), build("d", base_files(), first), 0);
  EXPECT_EQ(again["Signature"]["CertificateEqual"], true);
  EXPECT_EQ(again["OnlyOutsidePcrs"], true);
}

TEST_F(Diff, OnlyTheMetadataChangesNoPcr) {
  json d = diff(build("a", base_files()), build("b", base_files(), {"--image-version", "2"}), 0);
  EXPECT_EQ(d["PcrsEqual"], true);
  EXPECT_EQ(d["OnlyOutsidePcrs"], true);
  EXPECT_EQ(d["Metadata"]["Measured"], false);
  const json& changes = d["Metadata"]["Changes"];
  ASSERT_EQ(changes.size(), 1u) << changes.dump();
  EXPECT_EQ(changes[0]["Field"], "ImageVersion");
  EXPECT_EQ(changes[0]["B"], "2");

  RunResult text = run_eifkit({"diff", "--format", "text", dir_ / "a.eif", dir_ / "b.eif"});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("Not measured (changes no PCR):\n  header: Crc32 "), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("  metadata: ImageVersion \"" + changes[0]["A"].get<std::string>() +
                          "\" -> \"2\"\n"),
            std::string::npos);
  EXPECT_NE(text.out.find("Result: every PCR is equal; the files differ only outside the PCRs\n"),
            std::string::npos);
}

TEST_F(Diff, IdenticalFiles) {
  std::string a = build("a", base_files());
  json d = diff(a, a, 0);
  EXPECT_EQ(d["Identical"], true);
  EXPECT_EQ(d["OnlyOutsidePcrs"], false);
}

TEST_F(Diff, TheTextReportGroupsChangesUnderTheirPcr) {
  std::vector<TarSpec> files = base_files();
  files[1].data = "ho\n";
  std::string a = build("a", base_files()), b = build("b", files);
  json d = diff(a, b, 1);
  RunResult r = run_eifkit({"diff", "--format", "text", "--ramdisk-files", a, b});
  EXPECT_EQ(r.status, 1);
  auto pcr = [&](const char* n) { return d["Pcrs"][n]["A"].get<std::string>(); };
  auto side = [&](int i, const char* s) {
    const json& r = d["Ramdisks"][i][s];
    return std::to_string(r["Size"].get<uint64_t>()) + " bytes, sha384 " +
           r["Sha384"].get<std::string>().substr(0, 16) + "…";
  };
  std::string expected = "A: " + a + " (eif)\nB: " + b + " (eif)\n\n" + "PCR0  differs  A " +
                         pcr("PCR0") + "\n               B " +
                         d["Pcrs"]["PCR0"]["B"].get<std::string>() + "\n" + "PCR1  equal    " +
                         pcr("PCR1") + "\n" + "PCR2  differs  A " + pcr("PCR2") +
                         "\n               B " + d["Pcrs"]["PCR2"]["B"].get<std::string>() + "\n" +
                         "PCR8  equal    (both unsigned)\n\n"
                         "PCR0 (the whole image) differs because of: Ramdisk 1\n\n"
                         "PCR2 (application: ramdisks 1 and on) differs because of: Ramdisk 1\n"
                         "  ramdisk 1 (application): " +
                         side(1, "A") + " -> " + side(1, "B") +
                         "\n"
                         "    files: 1 changed, 0 added, 0 removed (13 entries -> 13)\n"
                         "    changed attributes: Content on 1\n"
                         "      changed rootfs/bin/hello  Content sha256:98ea6e4f216f2fb4… -> "
                         "sha256:56cc5eec55dc58c7…\n\n"
                         "Not measured (changes no PCR):\n"
                         "  header: Crc32 " +
                         d["Header"]["Changes"][0]["A"].get<std::string>() + " -> " +
                         d["Header"]["Changes"][0]["B"].get<std::string>() +
                         "\n\n"
                         "Result: PCR0, PCR2 differ\n";
  EXPECT_EQ(r.out, expected);
}

TEST_F(Diff, FileByFileByDefaultAndOnlyTheSectionsWithNoRamdiskFiles) {
  std::vector<TarSpec> files = base_files();
  files[1].data = "ho\n";
  std::string a = build("a", base_files()), b = build("b", files);
  RunResult by_default = run_eifkit({"diff", a, b});
  EXPECT_EQ(by_default.status, 1);
  json d = json::parse(by_default.out);
  EXPECT_TRUE(d["Ramdisks"][1].contains("Files"));
  EXPECT_EQ(d["RamdiskFiles"], true);
  RunResult r = run_eifkit({"diff", a, b, "--no-ramdisk-files"});
  EXPECT_EQ(r.status, 1);
  d = json::parse(r.out);
  EXPECT_FALSE(d["Ramdisks"][1].contains("Files"));
  EXPECT_EQ(d["RamdiskFiles"], false);
}

TEST_F(Diff, MaxChangesCapsTheListNotTheCounts) {
  std::vector<TarSpec> files = base_files();
  for (TarSpec& f : files) f.mtime += 5;
  json d = diff(build("a", base_files()), build("b", files), 1, {"--max-changes", "1"});
  const json& f = app_files(d);
  EXPECT_EQ(f["Changed"], 4);
  EXPECT_EQ(f["Changes"].size(), 1u);
  EXPECT_EQ(f["Truncated"], true);
}

TEST_F(Diff, ABuildRecordOnEitherSide) {
  std::vector<TarSpec> files = base_files();
  files[1].data = "ho\n";
  std::string a = build("a", base_files(), {"--measurements-out", dir_ / "a.json"});
  std::string b = build("b", files);
  json d = diff(dir_ / "a.json", b, 1);
  EXPECT_EQ(d["Compared"], "record");
  EXPECT_EQ(d["A"]["Kind"], "record");
  EXPECT_EQ(d["B"]["Kind"], "eif");
  EXPECT_EQ(d["Pcrs"]["PCR1"]["Equal"], true);
  EXPECT_EQ(d["Pcrs"]["PCR2"]["Equal"], false);
  EXPECT_EQ(d["Identical"], false);
  json fields = json::array();
  for (const json& c : d["Record"]["Changes"]) fields.push_back(c["Field"]);
  EXPECT_EQ(fields, json::parse(R"(["Eif.Sha256", "Eif.Sha384"])"));

  json same = diff(dir_ / "a.json", a, 0);
  EXPECT_EQ(same["Identical"], true);
  EXPECT_EQ(same["Record"]["Changes"], json::array());
}

TEST_F(Diff, TheReferenceBuildersVectorsWhoseRamdisksAreNotCpio) {
  std::string one = vector_path("eif/one-ramdisk.eif"), two = vector_path("eif/two-ramdisks.eif");
  json d = diff(one, two, 1);
  EXPECT_EQ(d["Causes"], json::parse(R"({"PCR0": ["Ramdisk 1"], "PCR2": ["Ramdisk 1"]})"));
  EXPECT_EQ(d["Ramdisks"][1]["A"], nullptr);
  EXPECT_EQ(d["Ramdisks"][1]["FilesProblems"],
            json::array({two + ": ramdisk 1: at offset 0: not a cpio newc header (bad magic)"}));
  EXPECT_EQ(d["Sections"]["Equal"], false);
}

TEST_F(Diff, CompressedRamdisksAreComparedFileByFile) {
  std::vector<TarSpec> files = base_files();
  files[1].data = "ho\n";
  std::string a = build("a", base_files()), b = build("b", files);
  // The same ramdisks again, gzip- and zstd-compressed, in EIFs of the low-level form.
  auto recompress = [&](const std::string& eif, const std::string& name, bool zstd) {
    std::string parts = dir_ / (name + ".parts");
    RunResult x = run_eifkit({"extract", "--output", parts, eif});
    EXPECT_EQ(x.status, 0) << x.err;
    std::vector<uint8_t> app = read_bytes(parts + "/ramdisk-1.cpio");
    write_bytes(parts + "/app.z", zstd ? test::zstd_bytes(app) : test::gzip_bytes(app));
    std::string out = dir_ / (name + ".eif");
    RunResult r = run_eifkit({"build", "--kernel", vector_path("eif/inputs/kernel.bin"),
                              "--cmdline-file", vector_path("eif/inputs/cmdline.txt"), "--ramdisk",
                              parts + "/ramdisk-0.cpio", "--ramdisk", parts + "/app.z",
                              "--build-time", "2024-01-01T00:00:00Z", "--output", out});
    EXPECT_EQ(r.status, 0) << r.err;
    return out;
  };
  std::string a_gz = recompress(a, "a-gz", false), b_zst = recompress(b, "b-zst", true);
  json d = diff(a_gz, b_zst, 1);
  const json& r = d["Ramdisks"][1];
  EXPECT_EQ(r["A"]["Compression"], "gzip");
  EXPECT_EQ(r["B"]["Compression"], "zstd");
  EXPECT_EQ(r["Files"]["Changes"], app_files(diff(a, b, 1))["Changes"]);

  // Only the compression differs: PCR2 does, no file does.
  json same_files = diff(recompress(a, "a-gz2", false), recompress(a, "a-zst", true), 1);
  EXPECT_EQ(same_files["Ramdisks"][1]["Files"]["Changed"], 0);
  EXPECT_EQ(same_files["Ramdisks"][1]["Files"]["Changes"], json::array());
}

TEST_F(Diff, AnUnusableInputExits2NamingIt) {
  std::string a = build("a", base_files());
  write_bytes(dir_ / "junk", test::to_bytes("not an eif"));
  RunResult r = run_eifkit({"diff", a, dir_ / "junk"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(dir_ / "junk"), std::string::npos) << r.err;
  std::vector<uint8_t> cut = read_bytes(a);
  cut.resize(600);
  write_bytes(dir_ / "cut.eif", cut);
  RunResult c = run_eifkit({"diff", a, dir_ / "cut.eif"});
  EXPECT_EQ(c.status, 2);
  EXPECT_NE(c.err.find(dir_ / "cut.eif"), std::string::npos) << c.err;
}

}  // namespace
}  // namespace eifkit
