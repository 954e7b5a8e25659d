// `eifkit build --image` and `--rootfs-tar` end to end: container images made at test time
// (with umoci and skopeo, and by hand for what no tool writes), built by the real binary, and
// the EIF read back. The application ramdisk listings are exact ("name type mode uid:gid size
// nlink target-or-sha"): they document the canonical order and what survives flattening.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "formats/eif_section.h"
#include "lib/base/byte_source.h"
#include "lib/cpio/cpio_reader.h"
#include "lib/eif/eif_reader.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/memory_streams.h"
#include "tests/support/ramdisk_listing.h"
#include "tests/support/requirements.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::digest_of;
using test::hex_of;
using test::read_bytes;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::TarMember;
using test::TarSpec;
using test::to_bytes;
using test::vector_path;
using test::write_bytes;
using Strings = std::vector<std::string>;

const std::string kBuildTime = "2024-01-01T00:00:00+00:00";
const char* kIndexType = "application/vnd.oci.image.index.v1+json";

Strings concat(Strings a, const Strings& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string kernel_path() {
  return vector_path("eif/inputs/kernel.bin");
}
std::string cmdline_path() {
  return vector_path("eif/inputs/cmdline.txt");
}

// The vector boot files and a pinned build time. The kernel placeholder has no architecture
// magic, so the image's platform decides the EIF's architecture. The cmdline is given so that
// a nitro-cli blob directory on the machine changes nothing.
Strings boot_flags(const std::string& kernel = kernel_path()) {
  return {"--kernel",       kernel,
          "--cmdline-file", cmdline_path(),
          "--init",         vector_path("ramdisk/init.bin"),
          "--nsm",          vector_path("ramdisk/nsm.ko.bin"),
          "--build-time",   kBuildTime};
}

RunResult build_image(const std::string& image, const std::string& output,
                      const Strings& extra = {}) {
  return run_eifkit(
      concat({"build", "--image", image, "--output", output}, concat(boot_flags(), extra)));
}

json measurements(const RunResult& r) {
  return json::parse(r.out)["Measurements"];
}

json describe(const std::string& eif) {
  RunResult r = run_eifkit({"describe", eif});
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

// First 16 hex digits of the content's SHA-256, as listing lines show it.
std::string sha16(const std::string& content) {
  return hex_of(digest_of(to_bytes(content))).substr(0, 16);
}

Strings listing(const std::string& eif) {
  return test::lines(test::list_app_ramdisk(eif));
}

// The ramdisk sections of an EIF in order: #0 bootstrap, #1 application.
std::vector<std::vector<uint8_t>> ramdisks(const std::string& eif) {
  EifImage image = open_eif(eif);
  std::vector<uint8_t> bytes = read_bytes(eif);
  std::vector<std::vector<uint8_t>> out;
  for (const EifSectionInfo& s : image.sections) {
    if (s.type != static_cast<uint16_t>(SectionType::kRamdisk)) continue;
    auto begin = bytes.begin() + static_cast<long>(s.data_offset());
    out.emplace_back(begin, begin + static_cast<long>(s.size));
  }
  return out;
}

// A file's content in the application ramdisk: the init's cmd and env files.
std::string app_file(const std::string& eif, const std::string& name) {
  std::vector<uint8_t> app = ramdisks(eif).at(1);
  test::SpanSource source(app);
  CpioReader reader(source, eif + ": ramdisk 1");
  CpioHeader h;
  while (reader.next(h)) {
    if (h.name != name) continue;
    std::string out;
    std::vector<uint8_t> buf(4096);
    for (size_t n; (n = reader.read_data(buf)) > 0;) out.append(buf.begin(), buf.begin() + n);
    return out;
  }
  return "(no " + name + " in the ramdisk)";
}

// A refused build: status 2, exactly `message` as the one stderr line, nothing on stdout,
// and nothing at all (no output, no temporary file) in the output directory.
void expect_refused(const RunResult& r, const ScratchDir& out, const std::string& message) {
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(out.entries(), Strings{});
}

std::vector<uint8_t> layer_tar(const std::vector<TarSpec>& entries) {
  ScratchDir dir;
  test::write_layer_tar(dir / "layer.tar", entries);
  return read_bytes(dir / "layer.tar");
}

TarSpec owned(TarSpec s, uint32_t uid, uint32_t gid) {
  s.uid = uid;
  s.gid = gid;
  return s;
}

TarSpec device(const std::string& path, TarEntry::Type type, uint32_t mode, uint32_t major,
               uint32_t minor) {
  TarSpec s;
  s.path = path;
  s.type = type;
  s.mode = mode;
  s.rdev_major = major;
  s.rdev_minor = minor;
  return s;
}

enum class Stored { kPlain, kGzip, kZstd };

// A docker save archive in the classic shape: manifest.json, the config as <hex>.json (named
// by its digest, as docker and skopeo write it), and one member per layer, stored plain,
// gzip'd or zstd'd, with the layer tar's digest as its diff_id.
struct HandImage {
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"config", {{"Cmd", {"/usr/bin/app"}}}},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
  json entry = {{"RepoTags", {"hand:1"}}, {"Layers", json::array()}};
  std::vector<TarMember> members;

  // `tar` is the layer's content, `blob` what the archive stores under `name`.
  void add_layer_bytes(const std::vector<uint8_t>& tar, const std::vector<uint8_t>& blob,
                       std::string name = "") {
    if (name.empty()) name = "l" + std::to_string(members.size()) + "/layer.tar";
    config["rootfs"]["diff_ids"].push_back(digest_of(tar));
    entry["Layers"].push_back(name);
    members.emplace_back(name, std::string(blob.begin(), blob.end()));
  }
  void add_layer(const std::vector<TarSpec>& entries, Stored stored = Stored::kPlain) {
    std::vector<uint8_t> tar = layer_tar(entries);
    add_layer_bytes(tar, stored == Stored::kGzip   ? test::gzip_bytes(tar)
                         : stored == Stored::kZstd ? test::zstd_bytes(tar)
                                                   : tar);
  }
  std::string config_name() const { return hex_of(digest_of(to_bytes(config.dump()))) + ".json"; }
  std::string id() const { return "sha256:" + config_name().substr(0, 64); }
  std::string write(const std::string& path) {
    std::vector<TarMember> all = members;
    all.emplace_back(config_name(), config.dump());
    entry["Config"] = config_name();
    all.emplace_back("manifest.json", json::array({entry}).dump());
    test::write_tar(path, all);
    return path;
  }
};

// ---- 1. images from real tools ----------------------------------------------------------

struct ToolChange {
  std::string path;
  std::string content;
  unsigned mode = 0644;
  bool remove = false;
};

// An image written by umoci, one layer per list of changes (umoci writes the whiteouts for
// removals), with Cmd ["/bin/hello"]. Files and directories get explicit modes so the umask
// does not leak into the listing.
void umoci_layers(const std::string& layout, const std::string& tag, const std::string& arch,
                  const std::vector<std::vector<ToolChange>>& layers) {
  if (!fs::exists(layout + "/index.json")) test::run_tool({"umoci", "init", "--layout", layout});
  std::string ref = layout + ":" + tag;
  test::run_tool({"umoci", "new", "--image", ref});
  test::run_tool({"umoci", "config", "--image", ref, "--config.cmd", "/bin/hello", "--architecture",
                  arch, "--os", "linux"});
  ScratchDir bundle_parent;
  std::string bundle = bundle_parent / "bundle";
  test::run_tool({"umoci", "unpack", "--rootless", "--image", ref, bundle});
  fs::path rootfs = fs::path(bundle) / "rootfs";
  for (const auto& changes : layers) {
    for (const ToolChange& c : changes) {
      fs::path target = rootfs / c.path;
      if (c.remove) {
        fs::remove_all(target);
        continue;
      }
      fs::create_directories(target.parent_path());
      write_bytes(target, to_bytes(c.content));
      fs::permissions(target, static_cast<fs::perms>(c.mode));
    }
    fs::permissions(rootfs, static_cast<fs::perms>(0755));
    for (const auto& e : fs::recursive_directory_iterator(rootfs)) {
      if (e.is_directory()) fs::permissions(e.path(), static_cast<fs::perms>(0755));
    }
    test::run_tool({"umoci", "repack", "--refresh-bundle", "--image", ref, bundle});
  }
}

void skopeo_copy(const Strings& args) {
  test::run_tool(concat({"skopeo", "--insecure-policy", "copy", "-q"}, args));
}

class CliImageTools : public testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"umoci", "skopeo"}) EIFKIT_REQUIRE_TOOL(tool);
  }
  ScratchDir in_, out_;
};

TEST_F(CliImageTools, LayoutDockerArchiveOciArchiveAndZstdGiveTheSameMeasurements) {
  std::string layout = in_ / "layout";
  umoci_layers(layout, "1.0", "amd64",
               {{{"bin/hello", "hi\n", 0755}, {"etc/motd", "one\n"}, {"etc/old", "old\n"}},
                {{"etc/motd", "two\n"}, {"etc/old", "", 0, true}},
                {{"srv/data.txt", "data\n", 0600}}});
  std::string docker = in_ / "docker.tar", oci = in_ / "oci.tar", zstd = in_ / "zstd";
  skopeo_copy({"oci:" + layout + ":1.0", "docker-archive:" + docker + ":app:1.0"});
  skopeo_copy({"oci:" + layout + ":1.0", "oci-archive:" + oci + ":app:1.0"});
  skopeo_copy({"--dest-compress-format", "zstd", "--dest-compress", "oci:" + layout + ":1.0",
               "oci:" + zstd + ":1.0"});
  json zstd_manifest = test::read_blob_json(zstd, test::tagged(zstd, "1.0")["digest"]);
  ASSERT_EQ(zstd_manifest["layers"].size(), 3u);
  for (const auto& layer : zstd_manifest["layers"]) {
    EXPECT_EQ(read_bytes(test::blob_path(zstd, layer["digest"])).at(0), 0x28);  // zstd magic
  }

  const Strings expected = {
      "rootfs d 0755 0:0 0 2",
      "rootfs/bin d 0755 0:0 0 2",
      "rootfs/bin/hello - 0755 0:0 3 1 " + sha16("hi\n"),
      "rootfs/dev d 0755 0:0 0 2",
      "rootfs/etc d 0755 0:0 0 2",
      "rootfs/etc/motd - 0644 0:0 4 1 " + sha16("two\n"),
      "rootfs/proc d 0755 0:0 0 2",
      "rootfs/run d 0755 0:0 0 2",
      "rootfs/srv d 0755 0:0 0 2",
      "rootfs/srv/data.txt - 0600 0:0 5 1 " + sha16("data\n"),
      "rootfs/sys d 0755 0:0 0 2",
      "rootfs/tmp d 0755 0:0 0 2",
      "rootfs/var d 0755 0:0 0 2",
      "cmd - 0644 0:0 11 1 " + sha16("/bin/hello\n"),
      "env - 0644 0:0 0 1 " + sha16(""),
  };
  std::vector<json> results;
  for (const std::string& image : {layout, docker, oci, zstd}) {
    SCOPED_TRACE(image);
    std::string eif = out_ / (fs::path(image).filename().string() + ".eif");
    RunResult r = build_image(image, eif);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(listing(eif), expected);
    results.push_back(measurements(r));
  }
  for (size_t i = 1; i < results.size(); ++i) EXPECT_EQ(results[i], results[0]) << i;
}

// ---- 2. the canonical listing ------------------------------------------------------------

class CliImageListing : public testing::Test {
 protected:
  ScratchDir in_, out_;
};

TEST_F(CliImageListing, EveryKindOfEntryAcrossThreeLayersInCanonicalOrder) {
  const std::string long_name(200, 'n');
  const std::string utf8_name = "caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.txt";
  HandImage h;
  h.config["config"] = {{"Cmd", {"app", "--serve"}}, {"Env", {"PATH=/bin", "LANG=C.UTF-8"}}};
  // Layer 1, plain: the base.
  h.add_layer({TarSpec::dir("usr"),
               TarSpec::dir("usr/bin"),
               TarSpec::file("usr/bin/app", "app v1\n", 0755),
               TarSpec::file("usr/bin/su", "su\n", 04755),
               TarSpec::symlink("bin", "usr/bin"),
               TarSpec::dir("etc"),
               TarSpec::file("etc/gone", "deleted above\n"),
               TarSpec::file("etc/empty", ""),
               TarSpec::symlink("etc/alt", "../usr/bin/app"),
               TarSpec::dir("opq"),
               TarSpec::file("opq/lower", "hidden above\n"),
               TarSpec::dir("opq/sub"),
               TarSpec::file("opq/sub/deep", "hidden above\n"),
               TarSpec::dir("replaced"),
               TarSpec::file("replaced/child", "dropped with its dir\n"),
               TarSpec::dir("data"),
               TarSpec::file("data/original", "shared\n"),
               TarSpec::hardlink("data/link", "data/original"),
               TarSpec::dir("dev"),
               device("dev/null", TarEntry::Type::kCharDevice, 0666, 1, 3),
               device("dev/sda", TarEntry::Type::kBlockDevice, 0660, 8, 0),
               owned(TarSpec::dir("home/user", 0750), 1000, 1000),
               owned(TarSpec::file("home/user/notes", "mine\n", 0600), 1000, 1000),
               TarSpec::file("srv/" + long_name, "long\n"),
               TarSpec::file("srv/" + utf8_name, "utf8\n")});
  // Layer 2, gzip: whiteouts and a directory replaced by a file.
  h.add_layer({TarSpec::whiteout("etc", "gone"), TarSpec::dir("opq", 0700),
               TarSpec::file("opq/.wh..wh..opq", ""), TarSpec::file("opq/upper", "kept\n"),
               TarSpec::file("replaced", "now a file\n")},
              Stored::kGzip);
  // Layer 3, zstd: a new version of the program.
  h.add_layer({TarSpec::file("usr/bin/app", "app v2\n", 0755)}, Stored::kZstd);
  std::string tar = h.write(in_ / "hand.tar");

  std::string eif = out_ / "app.eif";
  RunResult r = build_image(tar, eif);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // rootfs, then its tree depth-first with siblings sorted bytewise (the missing mount points
  // added), then cmd and env. The hard link's first name has no data; its last name carries
  // it. The implicit home/ is a 0755 root directory.
  EXPECT_EQ(listing(eif), (Strings{"rootfs d 0755 0:0 0 2",
                                   "rootfs/bin l 0777 0:0 7 1 -> usr/bin",
                                   "rootfs/data d 0755 0:0 0 2",
                                   "rootfs/data/link - 0644 0:0 0 2 " + sha16(""),
                                   "rootfs/data/original - 0644 0:0 7 2 " + sha16("shared\n"),
                                   "rootfs/dev d 0755 0:0 0 2",
                                   "rootfs/dev/null c 0666 0:0 0 1 1,3",
                                   "rootfs/dev/sda b 0660 0:0 0 1 8,0",
                                   "rootfs/etc d 0755 0:0 0 2",
                                   "rootfs/etc/alt l 0777 0:0 14 1 -> ../usr/bin/app",
                                   "rootfs/etc/empty - 0644 0:0 0 1 " + sha16(""),
                                   "rootfs/home d 0755 0:0 0 2",
                                   "rootfs/home/user d 0750 1000:1000 0 2",
                                   "rootfs/home/user/notes - 0600 1000:1000 5 1 " + sha16("mine\n"),
                                   "rootfs/opq d 0700 0:0 0 2",
                                   "rootfs/opq/upper - 0644 0:0 5 1 " + sha16("kept\n"),
                                   "rootfs/proc d 0755 0:0 0 2",
                                   "rootfs/replaced - 0644 0:0 11 1 " + sha16("now a file\n"),
                                   "rootfs/run d 0755 0:0 0 2",
                                   "rootfs/srv d 0755 0:0 0 2",
                                   "rootfs/srv/" + utf8_name + " - 0644 0:0 5 1 " + sha16("utf8\n"),
                                   "rootfs/srv/" + long_name + " - 0644 0:0 5 1 " + sha16("long\n"),
                                   "rootfs/sys d 0755 0:0 0 2",
                                   "rootfs/tmp d 0755 0:0 0 2",
                                   "rootfs/usr d 0755 0:0 0 2",
                                   "rootfs/usr/bin d 0755 0:0 0 2",
                                   "rootfs/usr/bin/app - 0755 0:0 7 1 " + sha16("app v2\n"),
                                   "rootfs/usr/bin/su - 4755 0:0 3 1 " + sha16("su\n"),
                                   "rootfs/var d 0755 0:0 0 2",
                                   "cmd - 0644 0:0 17 1 " + sha16("/bin/app\n--serve\n"),
                                   "env - 0644 0:0 23 1 " + sha16("PATH=/bin\nLANG=C.UTF-8\n")}));

  // One inode for both names; inode numbers count up from 721 in listing order, the group
  // taking the number of its first name.
  auto entries = test::list_app_ramdisk(eif);
  ASSERT_GE(entries.size(), 5u);
  EXPECT_EQ(entries[0].ino, 721u);
  EXPECT_EQ(entries[3].name, "rootfs/data/link");
  EXPECT_EQ(entries[4].name, "rootfs/data/original");
  EXPECT_EQ(entries[3].ino, entries[4].ino);
  EXPECT_EQ(entries[3].ino, 724u);
  for (size_t i = 1; i < entries.size(); ++i) {
    if (i == 4) continue;
    EXPECT_NE(entries[i].ino, entries[i - 1].ino) << entries[i].name;
  }
  EXPECT_EQ(app_file(eif, "cmd"), "/bin/app\n--serve\n");
  EXPECT_EQ(app_file(eif, "env"), "PATH=/bin\nLANG=C.UTF-8\n");
}

// ---- 3. layering does not change PCR2; content does ----------------------------------------

class CliImageLayering : public testing::Test {
 protected:
  json build(HandImage& h, const std::string& name) {
    RunResult r = build_image(h.write(in_ / (name + ".tar")), out_ / (name + ".eif"));
    EXPECT_EQ(r.status, 0) << r.err;
    return measurements(r);
  }
  ScratchDir in_, out_;
};

TEST_F(CliImageLayering, SameFilesystemSamePcr2WhateverTheLayersAndOrder) {
  const std::vector<TarSpec> all = {TarSpec::dir("app"),
                                    TarSpec::file("app/main", "main\n", 0755),
                                    TarSpec::file("app/lib.so", "lib\n"),
                                    TarSpec::dir("etc"),
                                    TarSpec::file("etc/conf", "conf\n"),
                                    TarSpec::hardlink("app/main2", "app/main"),
                                    TarSpec::symlink("app/latest", "main")};
  auto with_cmd = [](HandImage& h) { h.config["config"]["Cmd"] = {"/app/main"}; };
  HandImage one, three, shuffled, changed;
  for (HandImage* h : {&one, &three, &shuffled, &changed}) with_cmd(*h);
  one.add_layer(all);
  three.add_layer({all[0], all[1]}, Stored::kGzip);
  three.add_layer({all[3], all[4]});
  three.add_layer({all[2], all[5], all[6]}, Stored::kZstd);
  shuffled.add_layer({all[4], all[3], all[6], all[1], all[5], all[2], all[0]});
  std::vector<TarSpec> edited = all;
  edited[4] = TarSpec::file("etc/conf", "conf!\n");
  changed.add_layer(edited);

  json m1 = build(one, "one"), m3 = build(three, "three"), ms = build(shuffled, "shuffled");
  json mc = build(changed, "changed");
  EXPECT_EQ(m3, m1);
  EXPECT_EQ(ms, m1);
  EXPECT_EQ(listing(out_ / "three.eif"), listing(out_ / "one.eif"));
  EXPECT_EQ(ramdisks(out_ / "shuffled.eif"), ramdisks(out_ / "one.eif"));
  EXPECT_NE(mc["PCR2"], m1["PCR2"]);
  EXPECT_NE(mc["PCR0"], m1["PCR0"]);
  EXPECT_EQ(mc["PCR1"], m1["PCR1"]);  // kernel, cmdline and bootstrap ramdisk only
}

// ---- 4. the bootstrap ramdisk is nitro-cli's ----------------------------------------------

TEST(CliImageBootstrap, RamdiskZeroIsTheLinuxkitVectorAndPcr1MatchesTheLowLevelBuild) {
  ScratchDir in, out;
  HandImage h;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755)});
  RunResult image = build_image(h.write(in / "hand.tar"), out / "image.eif");
  ASSERT_EQ(image.status, 0) << image.err;
  std::vector<std::vector<uint8_t>> sections = ramdisks(out / "image.eif");
  ASSERT_EQ(sections.size(), 2u);
  const std::string bootstrap = vector_path("ramdisk/bootstrap-linuxkit.cpio");
  EXPECT_EQ(sections[0], read_bytes(bootstrap));

  // The low-level form with the same kernel, cmdline and ramdisks measures the same.
  write_bytes(in / "app.cpio", sections[1]);
  RunResult low = run_eifkit({"build", "--kernel", kernel_path(), "--cmdline-file", cmdline_path(),
                              "--ramdisk", bootstrap, "--ramdisk", in / "app.cpio", "--output",
                              out / "low.eif", "--build-time", kBuildTime});
  ASSERT_EQ(low.status, 0) << low.err;
  EXPECT_EQ(measurements(low), measurements(image));
  RunResult boot_only =
      run_eifkit({"build", "--kernel", kernel_path(), "--cmdline-file", cmdline_path(), "--ramdisk",
                  bootstrap, "--output", out / "boot.eif", "--build-time", kBuildTime});
  ASSERT_EQ(boot_only.status, 0) << boot_only.err;
  EXPECT_EQ(measurements(boot_only)["PCR1"], measurements(image)["PCR1"]);
}

// ---- 5. the command ------------------------------------------------------------------------

class CliImageCommand : public testing::Test {
 protected:
  void SetUp() override {
    HandImage h;
    h.config["config"] = {{"Entrypoint", {"app", "serve"}},
                          {"Cmd", {"--port", "80"}},
                          {"Env", {"PATH=/opt/none:/bin", "LANG=C.UTF-8"}},
                          {"WorkingDir", "/usr"}};
    h.add_layer({TarSpec::symlink("bin", "usr/bin"), TarSpec::dir("usr"), TarSpec::dir("usr/bin"),
                 TarSpec::file("usr/bin/app", "app\n", 0755),
                 TarSpec::file("usr/bin/helper", "helper\n", 0755),
                 TarSpec::file("usr/bin/data", "not a program\n"),
                 TarSpec::file("opt/tool/run", "run\n", 0755)});
    image_ = h.write(in_ / "cmd.tar");
  }
  // Builds with `extra` flags; returns the cmd and env files.
  std::pair<std::string, std::string> command(const Strings& extra) {
    std::string eif = out_ / "app.eif";
    RunResult r = build_image(image_, eif, extra);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return {app_file(eif, "cmd"), app_file(eif, "env")};
  }
  std::string image_;
  ScratchDir in_, out_;
};

TEST_F(CliImageCommand, EntrypointThenCmdWithTheProgramFoundThroughPathAndASymlinkedDir) {
  // PATH=/opt/none:/bin: /bin is the symlink bin -> usr/bin, resolved inside the image.
  EXPECT_EQ(command({}), std::make_pair(std::string("/bin/app\nserve\n--port\n80\n"),
                                        std::string("PATH=/opt/none:/bin\nLANG=C.UTF-8\n")));
}

TEST_F(CliImageCommand, CmdAsJsonListOrShellWords) {
  EXPECT_EQ(command({"--cmd", R"(["--port", "8080", "two words"])"}).first,
            "/bin/app\nserve\n--port\n8080\ntwo words\n");
  EXPECT_EQ(command({"--cmd", R"(hello 'two words' "dq \"x\"" back\ slash)"}).first,
            "/bin/app\nserve\nhello\ntwo words\ndq \"x\"\nback slash\n");
  EXPECT_EQ(command({"--cmd", "[]"}).first, "/bin/app\nserve\n");
}

TEST_F(CliImageCommand, EntrypointOverrideClearsCmd) {
  EXPECT_EQ(command({"--entrypoint", "helper"}).first, "/bin/helper\n");
  EXPECT_EQ(command({"--entrypoint", "helper -v", "--cmd", "x"}).first, "/bin/helper\n-v\nx\n");
  EXPECT_EQ(command({"--entrypoint", "/opt/tool/run"}).first, "/opt/tool/run\n");
  // A relative path with a slash is taken from the WorkingDir (/usr).
  EXPECT_EQ(command({"--entrypoint", "bin/app"}).first, "/usr/bin/app\n");
}

TEST_F(CliImageCommand, EnvOverridesReplaceOrAddAndPathSteersTheLookup) {
  EXPECT_EQ(command({"--entrypoint", "run", "--env", "PATH=/opt/tool", "--env", "NEW=1"}),
            std::make_pair(std::string("/opt/tool/run\n"),
                           std::string("PATH=/opt/tool\nLANG=C.UTF-8\nNEW=1\n")));
}

TEST_F(CliImageCommand, RefusedCommands) {
  RunResult r = build_image(image_, out_ / "app.eif", {"--cmd", "[\"a\\nb\"]"});
  expect_refused(r, out_,
                 image_ +
                     ": command argument 3 contains a newline, which the enclave's line-based /cmd "
                     "and /env cannot carry: 'a…'");
  r = build_image(image_, out_ / "app.eif", {"--env", "K=a\nb"});
  expect_refused(r, out_,
                 image_ +
                     ": environment variable 3 contains a newline, which the enclave's line-based "
                     "/cmd and /env cannot carry: 'K=a…'");
  // JSON's \u0000: the init would pass "a", silently dropping the rest.
  r = build_image(image_, out_ / "app.eif", {"--cmd", R"(["--port", "a\u0000b"])"});
  expect_refused(r, out_,
                 image_ +
                     ": command argument 4 contains a NUL byte, which no program's arguments or "
                     "environment can carry: 'a…'");
  r = build_image(image_, out_ / "app.eif", {"--entrypoint", "nothere"});
  expect_refused(r, out_,
                 image_ + ": command: nothere not found in the image's PATH (/opt/none:/bin)");
  r = build_image(image_, out_ / "app.eif", {"--entrypoint", "/usr/bin/data"});
  expect_refused(r, out_,
                 image_ + ": command: /usr/bin/data is not an executable file in the image");
  r = build_image(image_, out_ / "app.eif", {"--cmd", "'unterminated"});
  expect_refused(r, out_, "--cmd: unterminated quote in: 'unterminated");
  r = build_image(image_, out_ / "app.eif", {"--env", "NOEQUALS"});
  expect_refused(r, out_, "--env: 'NOEQUALS' is not KEY=VALUE");
  EXPECT_EQ(in_.entries(), Strings{"cmd.tar"});
}

// ---- 6. metadata ---------------------------------------------------------------------------

TEST(CliImageMetadata, NameVersionAndDockerInfoFromTheImage) {
  ScratchDir in, out;
  HandImage h;
  h.entry["RepoTags"] = {"registry.example.com:5000/team/app:2.1"};
  h.config["created"] = "2024-02-03T04:05:06Z";
  h.config["config"] = {
      {"Cmd", {"/usr/bin/app"}}, {"Env", {"PATH=/usr/bin"}}, {"Labels", {{"team", "enclaves"}}}};
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755)});
  h.add_layer({TarSpec::file("etc/motd", "hi\n")}, Stored::kGzip);
  std::string tar = h.write(in / "app.tar");
  ASSERT_EQ(build_image(tar, out / "app.eif").status, 0);
  json d = describe(out / "app.eif");
  EXPECT_EQ(d["ImageName"], "registry.example.com:5000/team/app");
  EXPECT_EQ(d["ImageVersion"], hex_of(h.id()));
  EXPECT_EQ(d["Arch"], "x86_64");
  EXPECT_EQ(d["Metadata"]["BuildTime"], kBuildTime);
  EXPECT_EQ(d["Metadata"]["BuildTool"], "eifkit");
  EXPECT_EQ(d["Metadata"]["OperatingSystem"], "Unknown");
  EXPECT_EQ(d["Metadata"]["KernelVersion"], "Unknown");
  EXPECT_EQ(d["Metadata"]["DockerInfo"],
            json({{"Id", h.id()},
                  {"RepoTags", {"registry.example.com:5000/team/app:2.1"}},
                  {"Created", "2024-02-03T04:05:06Z"},
                  {"Architecture", "amd64"},
                  {"Os", "linux"},
                  {"Config", h.config["config"]},
                  {"RootFS", {{"Type", "layers"}, {"Layers", h.config["rootfs"]["diff_ids"]}}}}));
  ASSERT_EQ(d["Metadata"]["DockerInfo"]["RootFS"]["Layers"].size(), 2u);

  ASSERT_EQ(
      build_image(tar, out / "named.eif", {"--name", "my-enclave", "--image-version", "7"}).status,
      0);
  json named = describe(out / "named.eif");
  EXPECT_EQ(named["ImageName"], "my-enclave");
  EXPECT_EQ(named["ImageVersion"], "7");
  EXPECT_EQ(named["Measurements"], d["Measurements"]);  // metadata is not measured
}

TEST(CliImageMetadata, UntaggedImageIsNamedByItsId) {
  ScratchDir in, out;
  HandImage h;
  h.entry["RepoTags"] = nullptr;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755)});
  ASSERT_EQ(build_image(h.write(in / "app.tar"), out / "app.eif").status, 0);
  json d = describe(out / "app.eif");
  EXPECT_EQ(d["ImageName"], hex_of(h.id()));
  EXPECT_EQ(d["ImageVersion"], hex_of(h.id()));
  EXPECT_EQ(d["Metadata"]["DockerInfo"]["RepoTags"], json::array());
}

// ---- 7. rootfs tars, platforms, architectures -------------------------------------------------

TEST(CliImageRootfs, ExportTarPlainGzipOrZstdWithFlagsAsTheConfig) {
  ScratchDir in, out;
  std::vector<uint8_t> tar =
      layer_tar({TarSpec::dir("."), TarSpec::dir("bin"), TarSpec::file("bin/app", "app\n", 0755),
                 TarSpec::file("etc/hosts", "127.0.0.1 localhost\n")});
  write_bytes(in / "export.tar", tar);
  write_bytes(in / "export.tar.gz", test::gzip_bytes(tar));
  write_bytes(in / "export.tar.zst", test::zstd_bytes(tar));
  std::vector<json> results;
  for (const char* name : {"export.tar", "export.tar.gz", "export.tar.zst"}) {
    SCOPED_TRACE(name);
    std::string eif = out / "flat.eif";
    RunResult r = run_eifkit(concat({"build", "--rootfs-tar", in / name, "--output", eif, "--arch",
                                     "x86_64", "--cmd", "app --x", "--env", "K=V"},
                                    boot_flags()));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(
        listing(eif),
        (Strings{"rootfs d 0755 0:0 0 2", "rootfs/bin d 0755 0:0 0 2",
                 "rootfs/bin/app - 0755 0:0 4 1 " + sha16("app\n"), "rootfs/dev d 0755 0:0 0 2",
                 "rootfs/etc d 0755 0:0 0 2",
                 "rootfs/etc/hosts - 0644 0:0 20 1 " + sha16("127.0.0.1 localhost\n"),
                 "rootfs/proc d 0755 0:0 0 2", "rootfs/run d 0755 0:0 0 2",
                 "rootfs/sys d 0755 0:0 0 2", "rootfs/tmp d 0755 0:0 0 2",
                 "rootfs/var d 0755 0:0 0 2", "cmd - 0644 0:0 13 1 " + sha16("/bin/app\n--x\n"),
                 "env - 0644 0:0 4 1 " + sha16("K=V\n")}));
    results.push_back(measurements(r));
    json d = describe(eif);
    EXPECT_EQ(d["ImageName"], "flat");  // the output's stem
    EXPECT_EQ(d["Metadata"]["DockerInfo"]["Config"],
              json({{"Cmd", {"app", "--x"}}, {"Env", {"K=V"}}}));
    EXPECT_EQ(d["Metadata"]["DockerInfo"]["Architecture"], "amd64");
  }
  EXPECT_EQ(results[1], results[0]);
  EXPECT_EQ(results[2], results[0]);
}

class CliImagePlatform : public CliImageTools {
 protected:
  // One tag, "multi", naming an image index with an amd64 and an arm64 image.
  std::string multi_platform() {
    std::string l = in_ / "multi";
    umoci_layers(l, "amd", "amd64", {{{"bin/hello", "amd64\n", 0755}}});
    umoci_layers(l, "arm", "arm64", {{{"bin/hello", "arm64\n", 0755}}});
    json amd = test::tagged(l, "amd"), arm = test::tagged(l, "arm");
    amd.erase("annotations");
    arm.erase("annotations");
    amd["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
    arm["platform"] = {{"architecture", "arm64"}, {"os", "linux"}};
    json nested = {{"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", {amd, arm}}};
    json desc = test::add_blob(l, to_bytes(nested.dump()), kIndexType);
    desc["annotations"] = {{"org.opencontainers.image.ref.name", "multi"}};
    test::write_index(l, {{"schemaVersion", 2}, {"manifests", {desc}}});
    return l;
  }
  // A kernel file recognised by its magic: x86 bzImage or arm64 Image.
  std::string fake_kernel(bool arm) {
    std::vector<uint8_t> bytes(4096, 0);
    if (arm) {
      std::copy_n("ARM\x64", 4, bytes.begin() + 56);
    } else {
      std::copy_n("HdrS", 4, bytes.begin() + 0x202);
    }
    std::string path = in_ / (arm ? "Image" : "bzImage");
    write_bytes(path, bytes);
    return path;
  }
  RunResult build(const std::string& image, const std::string& eif, const Strings& extra,
                  const std::string& kernel = kernel_path()) {
    return run_eifkit(
        concat({"build", "--image", image, "--output", eif}, concat(boot_flags(kernel), extra)));
  }
  // The architecture of the built EIF and the content of its /bin/hello.
  std::pair<std::string, std::string> built(const std::string& eif) {
    std::string hello;
    for (const auto& e : test::list_app_ramdisk(eif)) {
      if (e.name == "rootfs/bin/hello") hello = e.sha256.substr(0, 16);
    }
    return {describe(eif)["Arch"], hello == sha16("amd64\n")   ? "amd64"
                                   : hello == sha16("arm64\n") ? "arm64"
                                                               : "?"};
  }
};

TEST_F(CliImagePlatform, PicksFromAMultiPlatformIndex) {
  std::string l = multi_platform();
  using P = std::pair<std::string, std::string>;
  ASSERT_EQ(build(l, out_ / "a.eif", {"--platform", "linux/arm64"}).status, 0);
  EXPECT_EQ(built(out_ / "a.eif"), P("aarch64", "arm64"));
  ASSERT_EQ(build(l, out_ / "b.eif", {"--platform", "linux/amd64"}).status, 0);
  EXPECT_EQ(built(out_ / "b.eif"), P("x86_64", "amd64"));
  ASSERT_EQ(build(l, out_ / "c.eif", {"--arch", "aarch64"}).status, 0);
  EXPECT_EQ(built(out_ / "c.eif"), P("aarch64", "arm64"));
  // Without --platform or --arch, the kernel's architecture picks.
  ASSERT_EQ(build(l, out_ / "d.eif", {}, fake_kernel(true)).status, 0);
  EXPECT_EQ(built(out_ / "d.eif"), P("aarch64", "arm64"));
  ASSERT_EQ(build(l, out_ / "e.eif", {}, fake_kernel(false)).status, 0);
  EXPECT_EQ(built(out_ / "e.eif"), P("x86_64", "amd64"));
}

TEST_F(CliImagePlatform, NoMatchListsThePlatformsPresent) {
  std::string l = multi_platform();
  ScratchDir out;
  expect_refused(build(l, out / "app.eif", {"--platform", "linux/s390x"}), out,
                 l + ": no image for linux/s390x (present: linux/amd64, linux/arm64)");
  expect_refused(build(l, out / "app.eif", {"--platform", "linux"}), out,
                 "invalid platform \"linux\": expected OS/ARCH[/VARIANT] in lowercase, e.g. "
                 "linux/arm64");
}

TEST_F(CliImagePlatform, Arm64ImageWithAnX86KernelIsRefused) {
  std::string l = multi_platform();
  std::string kernel = fake_kernel(false);
  ScratchDir out;
  expect_refused(build(l, out / "app.eif", {"--platform", "linux/arm64"}, kernel), out,
                 l + ": image is linux/arm64 but the kernel " + kernel + " is x86_64");
}

// ---- 8. malicious and broken inputs --------------------------------------------------------

class CliImageMalicious : public testing::Test {
 protected:
  // Builds the image; the build must be refused with `message` (after "eifkit: ").
  void expect_refused_image(HandImage& h, const std::string& message_after_path) {
    std::string tar = h.write(in_ / "bad.tar");
    ScratchDir out;
    expect_refused(build_image(tar, out / "app.eif"), out, tar + ": " + message_after_path);
  }
  // Same, for messages ending in a library's own words (zstd's, libarchive's), which vary
  // between versions: the start must match, and it is still one line.
  void expect_refused_image_starting(HandImage& h, const std::string& start_after_path) {
    std::string tar = h.write(in_ / "bad.tar");
    ScratchDir out;
    RunResult r = build_image(tar, out / "app.eif");
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.err.starts_with("eifkit: " + tar + ": " + start_after_path)) << r.err;
    EXPECT_TRUE(r.err.ends_with("\n")) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(out.entries(), Strings{});
  }
  ScratchDir in_;
};

TEST_F(CliImageMalicious, PathEscapingTheRoot) {
  HandImage h;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755), TarSpec::file("../x", "evil\n")});
  expect_refused_image(h, "l0/layer.tar: ../x: path escapes the image root");
}

TEST_F(CliImageMalicious, PathUnderASymlink) {
  HandImage h;
  h.add_layer({TarSpec::symlink("etc", "/etc")});
  h.add_layer({TarSpec::file("etc/cron.d/evil", "* * * * * root sh\n")});
  expect_refused_image(h, "l1/layer.tar: etc/cron.d/evil: parent etc is a symlink");
}

TEST_F(CliImageMalicious, HardLinkToAMissingEntry) {
  HandImage h;
  h.add_layer({TarSpec::hardlink("bin/a", "etc/shadow")});
  expect_refused_image(
      h, "l0/layer.tar: bin/a: hard link to etc/shadow, which is not an earlier file in the image");
}

TEST_F(CliImageMalicious, HardLinkToALaterEntry) {
  HandImage h;
  h.add_layer({TarSpec::hardlink("early", "late"), TarSpec::file("late", "x")});
  expect_refused_image(
      h, "l0/layer.tar: early: hard link to late, which is not an earlier file in the image");
}

TEST_F(CliImageMalicious, DeclaredSizeLargerThanTheStream) {
  // The tar is cut in the middle of a file's data; the diff_id is of the cut bytes, so only
  // the tar reader can notice.
  std::vector<uint8_t> tar = layer_tar({TarSpec::file("big", std::string(20000, 'b'))});
  const std::string data(100, 'b');
  auto start = std::search(tar.begin(), tar.end(), data.begin(), data.end());
  ASSERT_NE(start, tar.end());
  tar.resize(static_cast<size_t>(start - tar.begin()) + 5000);  // 5000 of the 20000 bytes
  HandImage h;
  h.add_layer_bytes(tar, tar);
  expect_refused_image_starting(h, "l0/layer.tar: truncated or corrupt tar data: ");
}

TEST_F(CliImageMalicious, TruncatedGzip) {
  std::vector<uint8_t> tar =
      layer_tar({TarSpec::file("usr/bin/app", std::string(5000, 'a'), 0755)});
  std::vector<uint8_t> gz = test::gzip_bytes(tar);
  gz.resize(gz.size() / 2);
  HandImage h;
  h.add_layer_bytes(tar, gz);
  expect_refused_image(h, "l0/layer.tar: truncated gzip data");
}

TEST_F(CliImageMalicious, CorruptZstd) {
  std::vector<uint8_t> tar =
      layer_tar({TarSpec::file("usr/bin/app", std::string(5000, 'a'), 0755)});
  std::vector<uint8_t> zst = test::zstd_bytes(tar);
  zst[4] = 0xff;  // frame header descriptor: reserved bit set
  HandImage h;
  h.add_layer_bytes(tar, zst);
  expect_refused_image_starting(h, "l0/layer.tar: corrupt zstd data: ");
}

TEST_F(CliImageMalicious, ManifestPointingOutsideTheArchive) {
  HandImage h;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755)});
  h.entry["Layers"][0] = "../../etc/passwd";
  expect_refused_image(h, "manifest.json names a layer outside the archive: ../../etc/passwd");
}

TEST_F(CliImageMalicious, BlobDigestMismatch) {
  // Docker 25+ names layers by digest; the content here is not the one named.
  std::vector<uint8_t> tar = layer_tar({TarSpec::file("usr/bin/app", "app\n", 0755)});
  std::vector<uint8_t> other = layer_tar({TarSpec::file("usr/bin/app", "evil\n", 0755)});
  std::string name = "blobs/sha256/" + hex_of(digest_of(tar));
  HandImage h;
  h.add_layer_bytes(tar, other, name);
  expect_refused_image(
      h, name + ": content " + digest_of(other) + " does not match digest " + digest_of(tar));
}

TEST_F(CliImageMalicious, DiffIdMismatch) {
  std::vector<uint8_t> tar = layer_tar({TarSpec::file("usr/bin/app", "app\n", 0755)});
  std::vector<uint8_t> other = layer_tar({TarSpec::file("usr/bin/app", "evil\n", 0755)});
  HandImage h;
  h.add_layer_bytes(tar, test::gzip_bytes(other));
  expect_refused_image(h, "l0/layer.tar: uncompressed content " + digest_of(other) +
                              " does not match diff_id " + digest_of(tar) + " in the config");
}

TEST_F(CliImageMalicious, FailureLeavesAnExistingOutputUntouched) {
  HandImage h;
  h.add_layer({TarSpec::file("../x", "evil\n")});
  std::string tar = h.write(in_ / "bad.tar");
  ScratchDir out;
  write_bytes(out / "app.eif", to_bytes("old"));
  RunResult r = build_image(tar, out / "app.eif");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(read_bytes(out / "app.eif"), to_bytes("old"));
  EXPECT_EQ(out.entries(), Strings{"app.eif"});
}

// ---- 9. extended attributes ----------------------------------------------------------------

TEST(CliImageXattrs, DroppedWithOneNote) {
  ScratchDir in, out;
  TarSpec ping = TarSpec::file("usr/bin/ping", "ping\n", 0755);
  ping.xattr = true;  // security.capability
  HandImage h;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755), ping});
  RunResult r = build_image(h.write(in / "caps.tar"), out / "app.eif");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "eifkit: note: 1 file had extended attributes (such as file capabilities), which a "
            "cpio ramdisk cannot carry; they were dropped\n");
  Strings lines = listing(out / "app.eif");
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "rootfs/usr/bin/ping - 0755 0:0 5 1 " + sha16("ping\n")),
            lines.end());

  TarSpec arping = ping;
  arping.path = "usr/bin/arping";
  HandImage two;
  two.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755), ping, arping});
  r = build_image(two.write(in / "caps2.tar"), out / "two.eif");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err,
            "eifkit: note: 2 files had extended attributes (such as file capabilities), which a "
            "cpio ramdisk cannot carry; they were dropped\n");
}

// ---- 10. determinism -----------------------------------------------------------------------

TEST(CliImageDeterminism, SameImageSameBytesAndSourceDateEpochEqualsBuildTime) {
  ScratchDir in, first, second, third;
  HandImage h;
  h.add_layer({TarSpec::file("usr/bin/app", "app\n", 0755), TarSpec::file("etc/a", "a\n")});
  h.add_layer({TarSpec::file("etc/b", "b\n")}, Stored::kGzip);
  std::string tar = h.write(in / "app.tar");
  ASSERT_EQ(build_image(tar, first / "app.eif").status, 0);
  ASSERT_EQ(build_image(tar, second / "other-name.eif").status, 0);
  EXPECT_EQ(read_bytes(first / "app.eif"), read_bytes(second / "other-name.eif"));

  Strings without_time = boot_flags();
  without_time.resize(without_time.size() - 2);  // drop --build-time
  RunResult r =
      run_eifkit(concat({"build", "--image", tar, "--output", third / "app.eif"}, without_time),
                 {"SOURCE_DATE_EPOCH=1704067200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_bytes(third / "app.eif"), read_bytes(first / "app.eif"));
}

TEST(CliImageRootfs, ADockerSaveArchiveGivenAsRootfsIsRefused) {
  ScratchDir dir;
  RunResult r = run_eifkit(concat({"build", "--rootfs-tar", test::testdata_path("sample-image.tar"),
                                   "--cmd", "/bin/sh", "--output", dir / "app.eif"},
                                  boot_flags()));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "eifkit: " + test::testdata_path("sample-image.tar") +
                       ": this is a container image (a docker save archive), not a root "
                       "filesystem: use --image\n");
  EXPECT_TRUE(dir.entries().empty());
}

}  // namespace
}  // namespace eifkit
