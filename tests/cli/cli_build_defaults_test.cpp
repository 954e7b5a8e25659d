// Defaults that must not surprise (issue 27): the low-level build takes the kernel's
// architecture, an empty --cmdline means one thing everywhere, limits from the environment are
// plain positive numbers, build --version became --image-version, and eifkit's own init is
// the one init/init.sha384 records, with a note when a blob directory has none.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "formats/hex.h"
#include "lib/hash/sha384.h"
#include "tests/support/requirements.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using test::vector_path;

void expect_error(const RunResult& r, const std::string& message) {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "eifkit: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

// A kernel recognised by its magic (eifkit never boots it), with nothing else in it.
std::string fake_kernel(const ScratchDir& dir, bool arm) {
  std::vector<uint8_t> bytes(4096, 0);
  if (arm) {
    std::copy_n("ARM\x64", 4, bytes.begin() + 56);
  } else {
    std::copy_n("HdrS", 4, bytes.begin() + 0x202);
  }
  std::string path = dir / (arm ? "Image" : "bzImage");
  test::write_bytes(path, bytes);
  return path;
}

std::vector<std::string> low_level(const std::string& kernel, const std::string& out,
                                   const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"build",
                                   "--kernel",
                                   kernel,
                                   "--ramdisk",
                                   vector_path("eif/inputs/ramdisk-bootstrap.bin"),
                                   "--ramdisk",
                                   vector_path("eif/inputs/ramdisk-app.bin"),
                                   "--build-time",
                                   "2024-01-01T00:00:00Z",
                                   "--output",
                                   out};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string cmdline_of(const std::string& eif) {
  ScratchDir dir;
  RunResult r = run_eifkit({"extract", eif, "--output", dir / "out"});
  EXPECT_EQ(r.status, 0) << r.err;
  auto bytes = test::read_bytes(dir / "out/cmdline");
  return {bytes.begin(), bytes.end()};
}

TEST(LowLevelArch, AnArm64ImageGivesAnAarch64EifWithItsCommandLine) {
  ScratchDir dir;
  RunResult r = run_eifkit(low_level(fake_kernel(dir, true), dir / "app.eif"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  RunResult d = run_eifkit({"describe", dir / "app.eif"});
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(nlohmann::json::parse(d.out)["Arch"], "aarch64");
  EXPECT_EQ(cmdline_of(dir / "app.eif"),
            "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on "
            "root=/dev/ram0");
  // Saying so changes nothing.
  RunResult same = run_eifkit(low_level(dir / "Image", dir / "same.eif", {"--arch", "aarch64"}));
  ASSERT_EQ(same.status, 0) << same.err;
  EXPECT_EQ(same.out, r.out);
}

TEST(LowLevelArch, AnArchThatIsNotTheKernelsIsRefusedAndNothingWritten) {
  ScratchDir dir;
  std::string arm = fake_kernel(dir, true), x86 = fake_kernel(dir, false);
  expect_error(run_eifkit(low_level(arm, dir / "a.eif", {"--arch", "x86_64"})),
               arm + ": is an aarch64 kernel, but --arch is x86_64");
  expect_error(run_eifkit(low_level(x86, dir / "b.eif", {"--arch", "aarch64"})),
               x86 + ": is an x86_64 kernel, but --arch is aarch64");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"Image", "bzImage"}));
}

// The vectors' placeholder kernel has no magic: --arch decides, else x86_64, as before.
TEST(LowLevelArch, AnUnrecognisedKernelIsBuiltForArchElseX86_64) {
  ScratchDir dir;
  std::string kernel = vector_path("eif/inputs/kernel.bin");
  RunResult x86 = run_eifkit(low_level(kernel, dir / "x.eif"));
  ASSERT_EQ(x86.status, 0) << x86.err;
  EXPECT_EQ(x86.err, "");
  RunResult arm = run_eifkit(low_level(kernel, dir / "a.eif", {"--arch", "aarch64"}));
  ASSERT_EQ(arm.status, 0) << arm.err;
  for (auto [eif, arch] : {std::pair{"x.eif", "x86_64"}, std::pair{"a.eif", "aarch64"}}) {
    RunResult d = run_eifkit({"describe", dir / eif});
    ASSERT_EQ(d.status, 0) << d.err;
    EXPECT_EQ(nlohmann::json::parse(d.out)["Arch"], arch);
  }
}

TEST(EmptyCmdline, IsAnErrorInTheLowLevelAndTheImageForms) {
  ScratchDir dir;
  const std::string message =
      "--cmdline: empty; give a command line or leave --cmdline out for the default";
  for (const char* empty : {"", "  \t"}) {
    SCOPED_TRACE(std::string("'") + empty + "'");
    expect_error(run_eifkit(low_level(vector_path("eif/inputs/kernel.bin"), dir / "low.eif",
                                      {"--cmdline", empty})),
                 message);
    test::write_layer_tar(dir / "rootfs.tar", {test::TarSpec::file("app", "#!/bin/sh\n", 0755)});
    expect_error(run_eifkit({"build", "--rootfs-tar", dir / "rootfs.tar", "--cmd", "/app",
                             "--kernel", vector_path("eif/inputs/kernel.bin"), "--init",
                             vector_path("eif/inputs/kernel.bin"), "--cmdline", empty, "--output",
                             dir / "image.eif"}),
                 message);
  }
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"rootfs.tar"});
}

TEST(EnvironmentLimits, AValueThatIsNotAPositiveNumberFailsTheBuild) {
  ScratchDir dir;
  test::write_layer_tar(dir / "rootfs.tar", {test::TarSpec::file("app", "#!/bin/sh\n", 0755)});
  std::vector<std::string> args = {"build",
                                   "--rootfs-tar",
                                   dir / "rootfs.tar",
                                   "--cmd",
                                   "/app",
                                   "--kernel",
                                   vector_path("eif/inputs/kernel.bin"),
                                   "--output",
                                   dir / "app.eif"};
  expect_error(run_eifkit(args, {"EIFKIT_MAX_IMAGE_SIZE= -1"}),
               "EIFKIT_MAX_IMAGE_SIZE=\" -1\": not a size (a positive number of bytes, digits "
               "only, optionally with a K, M, G or T suffix)");
  expect_error(run_eifkit(args, {"EIFKIT_MAX_IMAGE_ENTRIES=-5"}),
               "EIFKIT_MAX_IMAGE_ENTRIES=\"-5\": not a count (a positive number of entries, "
               "digits only)");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"rootfs.tar"});
}

TEST(ImageVersion, IsTheFlagAndBuildVersionAHiddenAliasWithANote) {
  ScratchDir dir;
  std::string kernel = vector_path("eif/inputs/kernel.bin");
  RunResult r =
      run_eifkit(low_level(kernel, dir / "new.eif", {"--name", "app", "--image-version", "2.3.4"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  RunResult old =
      run_eifkit(low_level(kernel, dir / "old.eif", {"--name", "app", "--version", "2.3.4"}));
  ASSERT_EQ(old.status, 0) << old.err;
  EXPECT_EQ(old.err, "eifkit: note: build --version is now --image-version; --version will go\n");
  EXPECT_EQ(test::read_bytes(dir / "old.eif"), test::read_bytes(dir / "new.eif"));
  RunResult d = run_eifkit({"describe", dir / "old.eif"});
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_EQ(nlohmann::json::parse(d.out)["ImageVersion"], "2.3.4");

  RunResult both =
      run_eifkit(low_level(kernel, dir / "both.eif", {"--version", "1", "--image-version", "2"}));
  EXPECT_EQ(both.status, 2);
  EXPECT_FALSE(fs::exists(dir / "both.eif"));
  RunResult help = run_eifkit({"build", "--help"});
  EXPECT_NE(help.out.find("--image-version"), std::string::npos);
  EXPECT_EQ(help.out.find("--version"), std::string::npos) << help.out;
}

std::string sha384_hex(const std::string& path) {
  return to_hex(sha384(test::read_bytes(path)));
}

// What the source tree's init/init.sha384 records for `arch`.
std::string recorded_sha384(const std::string& arch) {
  std::ifstream in(fs::path(EIFKIT_TESTDATA).parent_path() / "init/init.sha384");
  std::string name, sha, line;
  while (in >> name) {
    if (name == arch && in >> sha) return sha;
    std::getline(in, line);
  }
  return "";
}

// A copy of eifkit beside its own eifkit-init, as bundled_init_path finds it in a build tree.
std::string eifkit_with_init(const ScratchDir& dir, const std::vector<uint8_t>& init) {
  fs::copy_file(EIFKIT_BINARY, dir / "eifkit");
  test::write_bytes(dir / "eifkit-init", init);
  fs::permissions(dir / "eifkit-init", fs::perms::owner_all);
  return dir / "eifkit";
}

TEST(OwnInitCheck, AnInitOtherThanTheRecordedOneIsRefusedNamingBothDigests) {
  std::string built = fs::path(EIFKIT_BINARY).parent_path() / "eifkit-init";
  EIFKIT_REQUIRE(fs::exists(built), built + " was not built (musl-gcc: make deps installs it)");
  ScratchDir bin, dir;
  std::vector<uint8_t> init = test::read_bytes(built);
  init.push_back(0);  // one byte more: another PCR1
  std::string eifkit = eifkit_with_init(bin, init);
  test::write_layer_tar(dir / "rootfs.tar", {test::TarSpec::file("app", "#!/bin/sh\n", 0755)});
  std::string out = dir / "app.eif";
  std::string script = "'" + eifkit + "' build --rootfs-tar '" + dir / "rootfs.tar" +
                       "' --cmd /app --kernel '" + vector_path("eif/inputs/kernel.bin") +
                       "' --output '" + out + "' 2>'" + dir / "err" + "'";
  EXPECT_EQ(WEXITSTATUS(std::system(script.c_str())), 2);
  std::string sha = sha384_hex(bin / "eifkit-init");
  auto err = test::read_bytes(dir / "err");
  EXPECT_EQ(std::string(err.begin(), err.end()),
            "eifkit: " + bin / "eifkit-init" + ": has SHA-384 " + sha + ", not the " +
                recorded_sha384("x86_64") +
                " that init/init.sha384 records for eifkit's x86_64 init, so it would change "
                "PCR1: rebuild it with the toolchain init.sha384 names, or give --init\n");
  EXPECT_FALSE(fs::exists(out));
}

TEST(OwnInitCheck, ABlobDirectoryWithoutAnInitGetsANoteAboutPcr1) {
  ScratchDir dir;
  std::string blobs = dir / "blobs";
  fs::create_directory(blobs);
  ScratchDir kernel_dir;
  fs::copy_file(fake_kernel(kernel_dir, false), blobs + "/bzImage");
  test::write_layer_tar(dir / "rootfs.tar", {test::TarSpec::file("app", "#!/bin/sh\n", 0755)});
  RunResult r = run_eifkit({"build", "--rootfs-tar", dir / "rootfs.tar", "--cmd", "/app", "--blobs",
                            blobs, "--output", dir / "app.eif"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "eifkit: note: " + blobs +
                       " has no init: eifkit's own is used, so PCR1 differs from nitro-cli's "
                       "with these blobs (--init chooses another)\n");
}

}  // namespace
}  // namespace eifkit
