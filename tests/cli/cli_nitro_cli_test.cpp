// nitro-cli compatibility as a user meets it: build --compat nitro-cli gives nitro-cli's PCRs
// (PCR2 from the vectors, PCR1 as the default layout's, PCR0 as an EIF holding the reference
// ramdisk), --measure-only, `eifkit ls`, the drop-in build-enclave / describe-eif / sign-eif
// (with an image file and with a Docker daemon's image), diff against a nitro-cli-built EIF,
// and what the layout refuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const std::vector<std::string> kCases = {"a-cmd-only",  "b-entrypoint-only", "c-entrypoint-cmd",
                                         "e-hardlinks", "f-whiteout-opaque", "g-special-files"};

std::string nitro(const std::string& name) {
  return vector_path("nitro-cli/" + name);
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::vector<std::string> boot_args() {
  return {"--kernel", vector_path("eif/inputs/kernel.bin"),
          "--init",   vector_path("ramdisk/init.bin"),
          "--nsm",    vector_path("ramdisk/nsm.ko.bin")};
}

RunResult build(const std::string& image, std::vector<std::string> extra) {
  std::vector<std::string> args = {"build", "--image", image, "--build-time",
                                   "2024-01-01T00:00:00Z"};
  for (const std::string& a : boot_args()) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  return run_eifkit(args);
}

json measurements(const RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out)["Measurements"];
}

// A blob directory as nitro-cli installs it, made of the vectors' boot files.
std::string make_blobs(const ScratchDir& dir) {
  std::string blobs = dir / "blobs";
  std::filesystem::create_directory(blobs);
  std::filesystem::copy_file(vector_path("eif/inputs/kernel.bin"), blobs + "/bzImage");
  std::filesystem::copy_file(vector_path("eif/inputs/cmdline.txt"), blobs + "/cmdline");
  std::filesystem::copy_file(vector_path("ramdisk/init.bin"), blobs + "/init");
  std::filesystem::copy_file(vector_path("ramdisk/nsm.ko.bin"), blobs + "/nsm.ko");
  return blobs;
}

TEST(NitroCliCompat, MeasureOnlyGivesNitroClisPcr2AndTheDefaultLayoutsPcr1) {
  for (const std::string& c : kCases) {
    SCOPED_TRACE(c);
    json compat =
        measurements(build(nitro(c) + "/image.tar", {"--compat", "nitro-cli", "--measure-only"}));
    EXPECT_EQ(compat["PCR2"], first_line(nitro(c) + "/pcr2"));
    ScratchDir dir;
    json normal = measurements(build(nitro(c) + "/image.tar", {"--output", dir / "x.eif"}));
    EXPECT_EQ(compat["PCR1"], normal["PCR1"]);
    EXPECT_NE(compat["PCR2"], normal["PCR2"]);
    // --measure-only writes nothing.
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.eif"});
  }
}

TEST(NitroCliCompat, MeasureOnlyTakesNoOutputAndNoRecord) {
  ScratchDir dir;
  const std::string image = nitro("a-cmd-only") + "/image.tar";
  RunResult both = build(image, {"--measure-only", "--output", dir / "x.eif"});
  EXPECT_EQ(both.status, 2);
  EXPECT_EQ(both.err, "eifkit: --output: not used with --measure-only\n");
  RunResult record = build(image, {"--measure-only", "--measurements-out", dir / "r.json"});
  EXPECT_EQ(record.status, 2);
  EXPECT_THAT(record.err, HasSubstr("--measurements-out records the EIF's digests"));
  RunResult neither = build(image, {});
  EXPECT_EQ(neither.status, 2);
  EXPECT_EQ(neither.err, "eifkit: build needs --output FILE (or --measure-only)\n");
  EXPECT_TRUE(dir.entries().empty());
  // The low-level form measures too, and --compat is only for image builds.
  RunResult low =
      run_eifkit({"build", "--kernel", vector_path("eif/inputs/kernel.bin"), "--ramdisk",
                  vector_path("ramdisk/bootstrap-linuxkit.cpio"), "--measure-only"});
  EXPECT_EQ(low.status, 0) << low.err;
  RunResult compat_low = run_eifkit({"build", "--kernel", vector_path("eif/inputs/kernel.bin"),
                                     "--ramdisk", vector_path("ramdisk/bootstrap-linuxkit.cpio"),
                                     "--measure-only", "--compat", "nitro-cli"});
  EXPECT_EQ(compat_low.status, 2);
  EXPECT_EQ(compat_low.err, "eifkit: --compat: only for an image build (--image, --rootfs-tar)\n");
}

TEST(NitroCliCompat, Pcr0IsThatOfAnEifHoldingNitroClisRamdiskAndDiffSaysIdentical) {
  ScratchDir dir;
  const std::string c = "e-hardlinks";
  json ours = measurements(
      build(nitro(c) + "/image.tar", {"--compat", "nitro-cli", "--output", dir / "ours.eif"}));
  ASSERT_EQ(run_eifkit({"extract", dir / "ours.eif", "--output", dir / "parts"}).status, 0);
  // nitro-cli's EIF: the same boot files, its bootstrap ramdisk, the reference ramdisk.
  RunResult theirs = run_eifkit(
      {"build", "--kernel", vector_path("eif/inputs/kernel.bin"), "--cmdline-file",
       dir / "parts/cmdline", "--ramdisk", vector_path("ramdisk/bootstrap-linuxkit.cpio"),
       "--ramdisk", nitro(c) + "/customer-initrd.img", "--output", dir / "theirs.eif"});
  ASSERT_EQ(theirs.status, 0) << theirs.err;
  EXPECT_EQ(ours, measurements(theirs));
  RunResult same = run_eifkit({"diff", dir / "ours.eif", dir / "theirs.eif"});
  EXPECT_EQ(same.status, 0) << same.out;
  EXPECT_EQ(json::parse(same.out)["PcrsEqual"], true);

  // The default layout's EIF differs, and diff names the files, file by file by default.
  ASSERT_EQ(build(nitro(c) + "/image.tar", {"--output", dir / "default.eif"}).status, 0);
  RunResult differ =
      run_eifkit({"diff", dir / "default.eif", dir / "theirs.eif", "--format", "text"});
  EXPECT_EQ(differ.status, 1);
  EXPECT_THAT(differ.out, HasSubstr("rootfs/data/b/two-link"));
  EXPECT_THAT(differ.out, HasSubstr("rootfs/etc/hosts"));
  RunResult bytes_only = run_eifkit(
      {"diff", dir / "default.eif", dir / "theirs.eif", "--format", "text", "--no-ramdisk-files"});
  EXPECT_EQ(bytes_only.status, 1);
  EXPECT_THAT(bytes_only.out, Not(HasSubstr("rootfs/data/b/two-link")));
  EXPECT_THAT(bytes_only.out, HasSubstr("--no-ramdisk-files was given"));
}

TEST(NitroCliCompat, ImplicitParentsAreReportedAndDatedWithTheBuildTime) {
  ScratchDir dir;
  RunResult r = build(
      nitro("k-implicit-parents") + "/image.tar",
      {"--compat", "nitro-cli", "--output", dir / "k.eif", "--measurements-out", dir / "k.json"});
  ASSERT_EQ(r.status, 0) << r.err;
  json out = json::parse(r.out);
  EXPECT_EQ(out["NitroCliReproducible"], false);
  EXPECT_EQ(out["LoadTimeDependent"][0]["Directories"], json({"p", "p/q", "x", "x/y"}));
  EXPECT_THAT(
      out["LoadTimeDependent"][0]["Layer"].get<std::string>(),
      HasSubstr("1649d99435b5fc1b79dacc0878a3893d6fb0504cf9e81dcd57d6717d689caa27/layer.tar"));
  EXPECT_THAT(r.err, HasSubstr("eifkit: warning: "));
  EXPECT_THAT(r.err, HasSubstr("leaves out 4 parent directories (p, p/q, x, x/y)"));
  json record = test::read_json(dir / "k.json");
  EXPECT_EQ(record["ApplicationRamdisk"]["Layout"], "nitro-cli");
  EXPECT_EQ(record["ApplicationRamdisk"]["NitroCliReproducible"], false);
  // Reproducible for eifkit: the same build time, the same PCR2.
  json again = measurements(build(nitro("k-implicit-parents") + "/image.tar",
                                  {"--compat", "nitro-cli", "--measure-only"}));
  EXPECT_EQ(out["Measurements"]["PCR2"], again["PCR2"]);
  // ls dates them with the build time too.
  RunResult ls = run_eifkit({"ls", nitro("k-implicit-parents") + "/image.tar", "--compat",
                             "nitro-cli", "--build-time", "2024-01-01T00:00:00Z"});
  EXPECT_THAT(ls.out, HasSubstr("drwxr-xr-x 0/0          0 2024-01-01 00:00:00 rootfs/x/y/\n"));
}

TEST(NitroCliCompat, TheWarningNamesTheFirstEightDirectoriesTheJsonAll) {
  ScratchDir dir;
  std::vector<test::TarSpec> files;
  for (int i = 0; i < 10; ++i)
    files.push_back(
        test::TarSpec::file(std::string("d").append(std::to_string(i)).append("/f"), "x"));
  files.push_back(test::TarSpec::file("run", "x", 0755));
  test::write_layer_tar(dir / "l.tar", files);
  test::write_docker_archive(dir / "img.tar", {dir / "l.tar"}, {{"Cmd", {"/run"}}});
  RunResult r = build(dir / "img.tar", {"--compat", "nitro-cli", "--measure-only"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "eifkit: warning: " + (dir / "img.tar") +
                       ": layer0.tar leaves out 10 parent directories (d0, d1, d2, d3, d4, d5, "
                       "d6, d7 and 2 more): Docker dates them when it loads the image, so "
                       "nitro-cli's own PCR2 for it changes from one load to the next; eifkit "
                       "gives them 0755 root:root and the build time\n");
  EXPECT_EQ(json::parse(r.out)["LoadTimeDependent"][0]["Directories"].size(), 10u);
}

TEST(NitroCliCompat, LsListsTheRamdiskInOrderAsTextAndJsonLines) {
  RunResult text = run_eifkit({"ls", nitro("e-hardlinks") + "/image.tar", "--compat", "nitro-cli"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("lrw-r--r-- 0/0         12 2026-12-07 13:28:51 "
                                  "rootfs/data/b/three -> ../a/three-3\n"));
  EXPECT_THAT(text.out, HasSubstr("-rwxr-xr-x 0/0        160 2017-04-18 16:30:00 "
                                  "rootfs/etc/hosts\n"));
  RunResult jsonl = run_eifkit(
      {"ls", nitro("e-hardlinks") + "/image.tar", "--compat", "nitro-cli", "--format", "jsonl"});
  ASSERT_EQ(jsonl.status, 0) << jsonl.err;
  std::vector<json> entries;
  std::istringstream in(jsonl.out);
  for (std::string line; std::getline(in, line);) entries.push_back(json::parse(line));
  // headers.tsv lists 302 entries, the trailer last.
  ASSERT_EQ(entries.size(), 301u);
  EXPECT_EQ(entries.front()["Name"], "rootfs");
  EXPECT_EQ(entries.front()["Ino"], 721);
  EXPECT_EQ(entries.back()["Name"], "env");
  const json& busybox = entries[20];
  EXPECT_EQ(busybox["Name"], "rootfs/bin/busybox");
  EXPECT_EQ(busybox["Size"], 1982256);
  // sha256sum of the busybox the image holds, computed outside eifkit.
  EXPECT_EQ(busybox["Sha256"], "3d9f2889d6782537624a4e1a10e68a2ddd53e0ee8bac02676f27308f42ec6bf6");
  // An image without a command still lists, with a note.
  ScratchDir dir;
  test::write_layer_tar(dir / "l.tar", {test::TarSpec::file("hello", "hi\n")});
  test::write_docker_archive(dir / "img.tar", {dir / "l.tar"}, json::object());
  for (const char* layout : {"eifkit", "nitro-cli"}) {
    RunResult none = run_eifkit({"ls", dir / "img.tar", "--compat", layout});
    EXPECT_EQ(none.status, 0) << none.err;
    EXPECT_THAT(none.out, HasSubstr(" rootfs/hello"));
    EXPECT_THAT(none.err, HasSubstr("eifkit: note: "));
  }
}

TEST(NitroCliCompat, BuildEnclaveDescribeEifAndSignEifAsNitroCliSpellsThem) {
  ScratchDir dir;
  std::string blobs = make_blobs(dir);
  RunResult r = run_eifkit({"build-enclave", "--docker-uri", nitro("a-cmd-only") + "/image.tar",
                            "--output-file", dir / "app.eif"},
                           {"NITRO_CLI_BLOBS=" + blobs, "SOURCE_DATE_EPOCH=1704067200"});
  ASSERT_EQ(r.status, 0) << r.err;
  json m = json::parse(r.out)["Measurements"];
  EXPECT_EQ(m["PCR2"], first_line(nitro("a-cmd-only") + "/pcr2"));
  EXPECT_EQ(m["HashAlgorithm"], "Sha384 { ... }");
  RunResult described = run_eifkit({"describe-eif", "--eif-path", dir / "app.eif"});
  ASSERT_EQ(described.status, 0) << described.err;
  EXPECT_EQ(json::parse(described.out)["Measurements"]["PCR0"], m["PCR0"]);
  RunResult signed_ =
      run_eifkit({"sign-eif", "--eif-path", dir / "app.eif", "--signing-certificate",
                  vector_path("eif/inputs/signing-cert.pem"), "--private-key",
                  vector_path("eif/inputs/signing-key.pem")});
  ASSERT_EQ(signed_.status, 0) << signed_.err;
  json s = json::parse(signed_.out)["Measurements"];
  EXPECT_EQ(s["PCR0"], m["PCR0"]);
  EXPECT_EQ(s["PCR8"].get<std::string>().size(), 96u);
  // --docker-dir builds from a Dockerfile, which needs a daemon: refused with the way out.
  RunResult dir_form = run_eifkit(
      {"build-enclave", "--docker-dir", ".", "--docker-uri", "x", "--output-file", dir / "d.eif"},
      {"NITRO_CLI_BLOBS=" + blobs});
  EXPECT_EQ(dir_form.status, 2);
  EXPECT_THAT(dir_form.err, HasSubstr("--docker-dir: eifkit builds from an image"));
}

// A `docker` on PATH that answers `docker save REF` as a daemon would, from a file.
std::string fake_docker(const ScratchDir& dir, const std::string& ref, const std::string& tar) {
  std::string bin = dir / "bin";
  std::filesystem::create_directory(bin);
  std::ofstream script(bin + "/docker");
  script << "#!/bin/sh\n"
         << "[ \"$1\" = save ] || { echo \"unexpected: $*\" >&2; exit 3; }\n"
         << "if [ \"$2\" = '" << ref << "' ]; then exec cat '" << tar << "'; fi\n"
         << "echo \"Error response from daemon: reference does not exist\" >&2\nexit 1\n";
  script.close();
  ::chmod((bin + "/docker").c_str(), 0755);
  return bin;
}

TEST(NitroCliCompat, BuildEnclaveReadsAnImageFromTheDockerDaemon) {
  ScratchDir dir;
  std::string blobs = make_blobs(dir);
  std::string bin = fake_docker(dir, "oracle/a-cmd-only:1", nitro("a-cmd-only") + "/image.tar");
  std::string path = "PATH=" + bin + ":/usr/bin:/bin";
  RunResult r = run_eifkit(
      {"build-enclave", "--docker-uri", "oracle/a-cmd-only:1", "--output-file", dir / "app.eif"},
      {"NITRO_CLI_BLOBS=" + blobs, path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["Measurements"]["PCR2"], first_line(nitro("a-cmd-only") + "/pcr2"));
  EXPECT_THAT(r.err, HasSubstr("oracle/a-cmd-only:1 is not a file here: reading it from the "
                               "Docker daemon (docker save)"));
  RunResult missing =
      run_eifkit({"build-enclave", "--docker-uri", "nope:1", "--output-file", dir / "nope.eif"},
                 {"NITRO_CLI_BLOBS=" + blobs, path});
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err,
              HasSubstr("nope:1: not an image file or OCI layout, and `docker save nope:1` "
                        "failed: Error response from daemon: reference does not exist"));
  RunResult no_docker =
      run_eifkit({"build-enclave", "--docker-uri", "nope:1", "--output-file", dir / "nope.eif"},
                 {"NITRO_CLI_BLOBS=" + blobs, "PATH=" + (dir / "empty")});
  EXPECT_EQ(no_docker.status, 2);
  EXPECT_THAT(no_docker.err, HasSubstr("nope:1: not an image file or OCI layout, and no Docker"));
  EXPECT_FALSE(std::filesystem::exists(dir / "nope.eif"));
}

// A nitro-cli layout build of `image` that must be refused with exactly `message` (after
// "eifkit: IMAGE: ") and leave no EIF behind.
void expect_refused(const ScratchDir& dir, const std::string& image, const std::string& message,
                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"--compat", "nitro-cli", "--output", dir / "refused.eif"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = build(image, args);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "refused.eif"));
}

TEST(NitroCliCompat, RefusesWhatNitroCliRefusesOrCorrupts) {
  ScratchDir dir;
  test::write_layer_tar(dir / "l.tar", {test::TarSpec::file("hello", "hi\n", 0755)});
  test::write_docker_archive(dir / "nocmd.tar", {dir / "l.tar"}, json::object());
  expect_refused(dir, dir / "nocmd.tar",
                 dir / "nocmd.tar" +
                     ": the image has neither Cmd nor Entrypoint, which nitro-cli refuses (give "
                     "--cmd)");
  // --cmd makes it buildable, and says the PCR2 is no longer nitro-cli's.
  RunResult given =
      build(dir / "nocmd.tar", {"--compat", "nitro-cli", "--measure-only", "--cmd", "/hello"});
  EXPECT_EQ(given.status, 0) << given.err;
  EXPECT_THAT(given.err, HasSubstr("eifkit: note: /cmd is [\"/hello\"] from --cmd, not the "
                                   "image's []: PCR2 is not the one nitro-cli gives this image"));

  test::TarSpec late = test::TarSpec::file("late", "x", 0755);
  late.mtime = int64_t{1} << 32;
  test::write_layer_tar(dir / "f.tar", {late});
  test::write_docker_archive(dir / "late.tar", {dir / "f.tar"}, {{"Cmd", {"/late"}}});
  expect_refused(dir, dir / "late.tar",
                 dir / "late.tar" +
                     ": rootfs/late: mtime 4294967296 is after 2106-02-07, which linuxkit "
                     "writes with more than the 8 hex digits of a cpio header, corrupting it: "
                     "nitro-cli cannot build this image");
  // The default layout builds it (the mtime clamped into newc's range).
  RunResult default_layout = build(dir / "late.tar", {"--measure-only"});
  EXPECT_EQ(default_layout.status, 0) << default_layout.err;

  // Before 1970: Docker dates a file (and a time past 2262) 1970-01-01, but keeps a
  // symlink's time, which linuxkit cannot write.
  test::TarSpec early = test::TarSpec::file("early", "x", 0755);
  early.mtime = -1;
  test::TarSpec far = test::TarSpec::file("far", "x", 0755);
  far.mtime = int64_t{10000000000};
  test::TarSpec early_link = test::TarSpec::symlink("early-link", "early");
  early_link.mtime = -1;
  test::write_layer_tar(dir / "e.tar", {early, far});
  test::write_docker_archive(dir / "early.tar", {dir / "e.tar"}, {{"Cmd", {"/early"}}});
  RunResult listed = run_eifkit({"ls", dir / "early.tar", "--compat", "nitro-cli"});
  EXPECT_EQ(listed.status, 0) << listed.err;
  EXPECT_THAT(listed.out,
              HasSubstr("-rwxr-xr-x 0/0          1 1970-01-01 00:00:00 rootfs/early\n"));
  EXPECT_THAT(listed.out, HasSubstr("-rwxr-xr-x 0/0          1 1970-01-01 00:00:00 rootfs/far\n"));
  test::write_layer_tar(dir / "s.tar", {early, early_link});
  test::write_docker_archive(dir / "link.tar", {dir / "s.tar"}, {{"Cmd", {"/early"}}});
  expect_refused(dir, dir / "link.tar",
                 dir / "link.tar" +
                     ": rootfs/early-link: mtime -1 is before 1970, which Docker keeps on a "
                     "symlink and linuxkit cannot write into a cpio header: nitro-cli cannot "
                     "build this image");

  // A hard link into a lower layer: docker load refuses the layer.
  test::write_layer_tar(dir / "l1.tar", {test::TarSpec::file("a", "x")});
  test::write_layer_tar(dir / "l2.tar", {test::TarSpec::hardlink("b", "a")});
  test::write_docker_archive(dir / "cross.tar", {dir / "l1.tar", dir / "l2.tar"},
                             {{"Cmd", {"/a"}}});
  expect_refused(dir, dir / "cross.tar",
                 dir / "cross.tar" +
                     ": layer1.tar: b: hard link to a, which an earlier layer holds: Docker "
                     "extracts each layer alone and refuses such a link, so nitro-cli cannot "
                     "build this image");

  // An architecture nitro-cli does not build.
  test::write_docker_archive(dir / "ppc.tar", {dir / "l.tar"}, {{"Cmd", {"/hello"}}}, "ppc64le");
  expect_refused(dir, dir / "ppc.tar",
                 "image platform linux/ppc64le cannot run in an enclave (linux/amd64 or "
                 "linux/arm64)",
                 {"--platform", "linux/ppc64le"});
}

TEST(NitroCliCompat, DockerLoadSemanticsForParentsAndWhiteouts) {
  ScratchDir dir;
  // Lower: lib a symlink, d a 0700 directory owned by 5:6. Upper: files under both without
  // their parents, and a whiteout under a directory no layer has.
  test::TarSpec d = test::TarSpec::dir("d", 0700);
  d.uid = 5;
  d.gid = 6;
  test::write_layer_tar(dir / "l1.tar", {test::TarSpec::symlink("lib", "usr/lib"), d,
                                         test::TarSpec::file("d/old", "o")});
  test::write_layer_tar(dir / "l2.tar",
                        {test::TarSpec::file("lib/x", "x"), test::TarSpec::file("d/new", "n"),
                         test::TarSpec::whiteout("ghost", "gone")});
  test::write_docker_archive(dir / "img.tar", {dir / "l1.tar", dir / "l2.tar"},
                             {{"Cmd", {"/lib/x"}}});
  RunResult ls = run_eifkit(
      {"ls", dir / "img.tar", "--compat", "nitro-cli", "--build-time", "2024-01-01T00:00:00Z"});
  ASSERT_EQ(ls.status, 0) << ls.err;
  // Docker makes each missing parent in the upper layer: 0755 root, at load time; the lower
  // directory keeps its contents, the lower symlink is hidden by the new directory.
  EXPECT_THAT(ls.out, HasSubstr("drwxr-xr-x 0/0          0 2024-01-01 00:00:00 rootfs/d/\n"));
  EXPECT_THAT(ls.out, HasSubstr(" rootfs/d/old\n"));
  EXPECT_THAT(ls.out, HasSubstr("drwxr-xr-x 0/0          0 2024-01-01 00:00:00 rootfs/lib/\n"));
  EXPECT_THAT(ls.out, HasSubstr("drwxr-xr-x 0/0          0 2024-01-01 00:00:00 rootfs/ghost/\n"));
  EXPECT_THAT(ls.err, HasSubstr("leaves out 3 parent directories (d, ghost, lib)"));
  // A hard link's header sets the attributes of the inode both names share, as Docker's
  // lchown, chmod and chtimes of the link do.
  test::TarSpec link = test::TarSpec::hardlink("h2", "h1");
  link.mode = 0600;
  link.uid = 7;
  link.mtime = 1600000000;
  test::write_layer_tar(dir / "h.tar", {test::TarSpec::file("h1", "one", 0644), link});
  test::write_docker_archive(dir / "hard.tar", {dir / "h.tar"}, {{"Cmd", {"/h1"}}});
  RunResult hard = run_eifkit({"ls", dir / "hard.tar", "--compat", "nitro-cli"});
  ASSERT_EQ(hard.status, 0) << hard.err;
  EXPECT_THAT(hard.out, HasSubstr("-rw------- 7/0          3 2020-09-13 12:26:40 rootfs/h1\n"));
  EXPECT_THAT(hard.out,
              HasSubstr("lrw------- 7/0          2 2020-09-13 12:26:40 rootfs/h2 -> h1\n"));
  // The default layout keeps the lower attributes, and refuses nothing here but the symlink.
  RunResult plain = run_eifkit({"ls", dir / "img.tar"});
  EXPECT_EQ(plain.status, 2);
  EXPECT_THAT(plain.err, HasSubstr("parent lib is a symlink"));
}

}  // namespace
}  // namespace eifkit
