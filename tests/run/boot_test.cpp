// End to end: images made at test time around Debian's busybox-static, built with eifkit's own
// init and Debian's cloud kernel, booted with `eifkit run` under QEMU (no KVM needed), and
// judged by what the application prints on the console.
#include <glob.h>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/requirements.h"
#include "tests/support/tar_builder.h"
#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::TarSpec;
using test::write_docker_archive;
using testing::HasSubstr;

std::string cloud_kernel() {
  glob_t g{};
  std::string found;
  if (::glob("/boot/vmlinuz-*-cloud-amd64", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    found = g.gl_pathv[g.gl_pathc - 1];
  }
  globfree(&g);
  return found;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

class BootTest : public testing::Test {
 protected:
  void SetUp() override {
    kernel_ = cloud_kernel();
    EIFKIT_REQUIRE(!kernel_.empty(), "no /boot/vmlinuz-*-cloud-amd64 (linux-image-cloud-amd64)");
    EIFKIT_REQUIRE(exists("/bin/busybox"), "no /bin/busybox (busybox-static)");
    EIFKIT_REQUIRE_TOOL("qemu-system-x86_64");
    auto busybox = test::read_bytes("/bin/busybox");
    busybox_ = std::string(busybox.begin(), busybox.end());
  }

  // The bottom layer: busybox and its applets, an account, files for the checks.
  std::string base_layer() {
    std::vector<TarSpec> l = {TarSpec::dir("bin"), TarSpec::file("bin/busybox", busybox_, 0755)};
    for (const char* applet : {"sh", "echo", "cat", "id", "stat", "pwd", "test", "ls"}) {
      l.push_back(TarSpec::symlink(std::string("bin/") + applet, "busybox"));
    }
    l.push_back(TarSpec::dir("etc"));
    l.push_back(TarSpec::file("etc/passwd",
                              "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/work:/bin/sh\n"));
    l.push_back(TarSpec::file("etc/group", "root:x:0:\napp:x:1000:\n"));
    l.push_back(TarSpec::file("lower.txt", "from the lower layer\n"));
    l.push_back(TarSpec::file("gone.txt", "should be whited out\n"));
    l.push_back(TarSpec::file("a", "linked\n"));
    l.push_back(TarSpec::hardlink("b", "a"));
    std::string path = dir_ / "base.tar";
    test::write_layer_tar(path, l);
    return path;
  }

  std::string upper_layer() {
    const char* script =
        "#!/bin/sh\n"
        "echo \"args: $*\"\n"
        "echo \"env: $GREETING\"\n"
        "echo \"pwd: $(pwd)\"\n"
        "echo \"uid: $(id -u):$(id -g)\"\n"
        "echo \"lower: $(cat /lower.txt)\"\n"
        "test -e /gone.txt && echo 'gone: present' || echo 'gone: absent'\n"
        "[ \"$(stat -c %i /a)\" = \"$(stat -c %i /b)\" ] && echo 'hard link: one inode'\n"
        "exit 7\n";
    std::string path = dir_ / "upper.tar";
    test::write_layer_tar(
        path, {TarSpec::whiteout("", "gone.txt"), TarSpec::dir("usr"), TarSpec::dir("usr/local"),
               TarSpec::dir("usr/local/bin"), TarSpec::file("usr/local/bin/check", script, 0755),
               TarSpec::dir("work", 0777)});
    return path;
  }

  // Builds and boots; returns the exit status and fills console_ and run_err_.
  int build_and_run(const std::string& image, const std::vector<std::string>& extra = {},
                    const std::string& memory = "256") {
    std::string eif = dir_ / "app.eif";
    std::vector<std::string> args = {"build",    "--image",      image,
                                     "--kernel", kernel_,        "--output",
                                     eif,        "--build-time", "2024-01-01T00:00:00Z"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto built = test::run_eifkit(args);
    EXPECT_EQ(built.status, 0) << built.err;
    auto run = test::run_eifkit({"run", eif, "--memory", memory, "--timeout", "120"});
    console_ = run.out;
    run_err_ = run.err;
    return run.status;
  }

  test::ScratchDir dir_;
  std::string kernel_, busybox_, console_, run_err_;
};

TEST_F(BootTest, ApplicationRunsWithImageConfigAndReportsItsStatus) {
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer(), upper_layer()},
                       {{"Entrypoint", {"check", "first"}},
                        {"Cmd", {"second", "third"}},
                        {"Env", {"PATH=/usr/local/bin:/bin", "GREETING=hello enclave"}},
                        {"WorkingDir", "/work"},
                        {"User", "app"}});
  EXPECT_EQ(build_and_run(image), 7) << console_;
  EXPECT_THAT(console_, HasSubstr("args: first second third"));
  EXPECT_THAT(console_, HasSubstr("env: hello enclave"));
  EXPECT_THAT(console_, HasSubstr("pwd: /work"));
  EXPECT_THAT(console_, HasSubstr("uid: 1000:1000"));
  EXPECT_THAT(console_, HasSubstr("lower: from the lower layer"));
  EXPECT_THAT(console_, HasSubstr("gone: absent"));
  EXPECT_THAT(console_, HasSubstr("hard link: one inode"));
  // The status line itself may be split by kernel messages on the console: the exit status
  // above is what eifkit read from it.
  EXPECT_EQ(run_err_, "");
}

// A kernel panic is not an application that returned 0: exit 125, the panic line quoted.
TEST_F(BootTest, InitThatExitsAtOnceIsAPanicNotASuccess) {
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer()}, {{"Cmd", {"/bin/sh", "-c", "exit 0"}}});
  EXPECT_EQ(build_and_run(image, {"--init", EIFKIT_EXIT_INIT, "--cmdline",
                                  "reboot=k panic=-1 pci=off nomodules console=ttyS0"}),
            125)
      << console_;
  EXPECT_EQ(run_err_, "eifkit: " + (dir_ / "app.eif") +
                          ": the enclave did not run the application: the kernel panicked: "
                          "Kernel panic - not syncing: Attempted to kill init! "
                          "exitcode=0x00000100\n");
}

// A guest still running at --timeout is stopped: exit 124, not the application's status.
TEST_F(BootTest, TimeoutExits124) {
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer()}, {{"Cmd", {"/bin/sh", "-c", "exit 0"}}});
  std::string eif = dir_ / "app.eif";
  auto built = test::run_eifkit({"build", "--image", image, "--kernel", kernel_, "--output", eif,
                                 "--build-time", "2024-01-01T00:00:00Z"});
  ASSERT_EQ(built.status, 0) << built.err;
  auto run = test::run_eifkit({"run", eif, "--memory", "256", "--timeout", "1"});
  EXPECT_EQ(run.status, 124);
  EXPECT_EQ(run.err, "eifkit: " + eif + ": still running after 1 s; stopped\n");
}

// An image too big for the guest's memory: warned before booting, and the failed unpack is
// reported with exit 125 instead of the init's status.
TEST_F(BootTest, TooLittleMemoryIsWarnedAndTheFailedUnpackReported) {
  std::string big = dir_ / "big.tar";
  test::write_layer_tar(big, {TarSpec::file("padding", std::string(60 << 20, '\0'))});
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer(), big}, {{"Cmd", {"/bin/sh", "-c", "exit 0"}}});
  EXPECT_EQ(build_and_run(image, {}, "128"), 125) << console_;
  std::string eif = dir_ / "app.eif";
  EXPECT_THAT(run_err_, HasSubstr("eifkit: warning: " + eif +
                                  ": 128 MiB of guest memory is less than 4 times the image's "
                                  "size ("));
  EXPECT_THAT(run_err_,
              HasSubstr("eifkit: " + eif + ": the enclave did not run the application: "));
  EXPECT_THAT(run_err_, HasSubstr("give --memory "));
}

TEST_F(BootTest, CmdOverrideFromTheCommandLine) {
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer(), upper_layer()},
                       {{"Cmd", {"check"}}, {"Env", {"PATH=/usr/local/bin:/bin"}}});
  EXPECT_EQ(build_and_run(image, {"--cmd", "sh -c 'echo overridden; exit 0'"}), 0) << console_;
  EXPECT_THAT(console_, HasSubstr("overridden"));
  EXPECT_THAT(console_, testing::Not(HasSubstr("args:")));
}

TEST_F(BootTest, EmptyCmdFallsBackToShellWhichExitsWhenInputEnds) {
  std::string image = dir_ / "image.tar";
  write_docker_archive(image, {base_layer()}, nlohmann::json::object());
  EXPECT_EQ(build_and_run(image), 0) << console_;
}

// arm64, end to end: Debian's busybox-static:arm64 and cloud-arm64 kernel (fetched by
// tests/run/fetch_arm64.sh into EIFKIT_ARM64_FIXTURES, which `make test` runs), eifkit's own
// aarch64 init, and qemu-system-aarch64 under TCG.
TEST(Arm64BootTest, Arm64ImageWithEifkitsInitBootsAndReportsItsStatus) {
  const std::string fixtures = EIFKIT_ARM64_FIXTURES;
  for (const char* file : {"/vmlinuz", "/busybox"}) {
    std::string why = "no " + fixtures;
    why += file;
    why += " (tests/run/fetch_arm64.sh fetches it; make test runs it)";
    EIFKIT_REQUIRE(exists(fixtures + file), why);
  }
  EIFKIT_REQUIRE_TOOL("qemu-system-aarch64");
  test::ScratchDir dir;
  auto busybox = test::read_bytes(fixtures + "/busybox");
  std::vector<TarSpec> layer = {
      TarSpec::dir("bin"), TarSpec::file("bin/busybox", {busybox.begin(), busybox.end()}, 0755),
      TarSpec::symlink("bin/sh", "busybox"), TarSpec::symlink("bin/uname", "busybox")};
  std::string layer_tar = dir / "layer.tar", image = dir / "image.tar", eif = dir / "arm.eif";
  test::write_layer_tar(layer_tar, layer);
  write_docker_archive(image, {layer_tar},
                       {{"Cmd", {"/bin/sh", "-c", "echo \"machine: $(uname -m)\"; exit 5"}}},
                       "arm64");
  auto built = test::run_eifkit({"build", "--image", image, "--kernel", fixtures + "/vmlinuz",
                                 "--output", eif, "--build-time", "2024-01-01T00:00:00Z"});
  ASSERT_EQ(built.status, 0) << built.err;
  auto described = test::run_eifkit({"describe", eif});
  ASSERT_EQ(described.status, 0) << described.err;
  auto info = nlohmann::json::parse(described.out);
  EXPECT_EQ(info["Arch"], "aarch64") << described.out;

  auto run = test::run_eifkit({"run", eif, "--memory", "512", "--timeout", "300"});
  EXPECT_EQ(run.status, 5) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("machine: aarch64"));
  EXPECT_EQ(run.err, "");
}

}  // namespace
}  // namespace eifkit
