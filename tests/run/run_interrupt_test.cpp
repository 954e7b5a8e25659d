// `eifkit run` stopped by Ctrl-C or SIGTERM while QEMU runs: nothing is left in TMPDIR. A
// script stands in for QEMU (--qemu): it saves the kernel and initrd it is given, so the test
// also sees that the files QEMU opens hold the EIF's sections, then waits to be killed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/test_support.h"

extern char** environ;

namespace eifkit {
namespace {

namespace fs = std::filesystem;
using test::vector_path;

std::vector<uint8_t> concatenation(const std::vector<std::string>& paths) {
  std::vector<uint8_t> all;
  for (const std::string& p : paths) {
    auto bytes = test::read_bytes(p);
    all.insert(all.end(), bytes.begin(), bytes.end());
  }
  return all;
}

// Returns eifkit's exit status (128 + N when it reports the signal as a shell would).
int run_interrupted_by(int signal_number) {
  test::ScratchDir dir;
  std::string tmp = dir / "tmp";
  fs::create_directory(tmp);
  std::string eif = dir / "app.eif";
  std::string kernel = vector_path("eif/inputs/kernel.bin");
  std::vector<std::string> ramdisks = {vector_path("eif/inputs/ramdisk-bootstrap.bin"),
                                       vector_path("eif/inputs/ramdisk-app.bin")};
  test::RunResult built =
      test::run_eifkit({"build", "--kernel", kernel, "--ramdisk", ramdisks[0], "--ramdisk",
                        ramdisks[1], "--build-time", "2024-01-01T00:00:00Z", "--output", eif});
  EXPECT_EQ(built.status, 0) << built.err;

  std::string qemu = dir / "fake-qemu";
  {
    std::ofstream script(qemu);
    script << "#!/bin/sh\n"
              "d=$(dirname \"$0\")\n"
              "echo $$ > \"$d/qemu.pid\"\n"
              "while [ $# -gt 0 ]; do\n"
              "  case \"$1\" in -kernel) k=$2 ;; -initrd) i=$2 ;; esac\n"
              "  shift\n"
              "done\n"
              "cat \"$k\" > \"$d/seen-kernel\"\n"
              "cat \"$i\" > \"$d/seen-initrd\"\n"
              "echo booting\n"
              "touch \"$d/ready\"\n"
              "exec sleep 60\n";
  }
  fs::permissions(qemu, fs::perms::owner_all);

  std::string tmpdir = "TMPDIR=" + tmp;
  std::vector<std::string> env = {tmpdir, "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  // stdin from /dev/null and the output away from the test's.
  pid_t pid = test::spawn_captured({EIFKIT_BINARY, "run", eif, "--qemu", qemu}, envp.data(),
                                   /*search_path=*/false, "/dev/null", "/dev/null");
  for (int i = 0; i < 300 && !fs::exists(dir / "ready"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(fs::exists(dir / "ready"));
  // While QEMU runs, eifkit holds the copies: none has a name.
  EXPECT_TRUE(fs::is_empty(tmp));
  ::kill(pid, signal_number);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(fs::is_empty(tmp));

  std::ifstream pid_file(dir / "qemu.pid");
  pid_t qemu_pid = 0;
  if (pid_file >> qemu_pid && qemu_pid > 0) ::kill(qemu_pid, SIGKILL);
  EXPECT_EQ(test::read_bytes(dir / "seen-kernel"), test::read_bytes(kernel));
  EXPECT_EQ(test::read_bytes(dir / "seen-initrd"), concatenation(ramdisks));
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(RunInterrupted, SigtermExits143LeavingNothingInTmpdir) {
  EXPECT_EQ(run_interrupted_by(SIGTERM), 143);
}

TEST(RunInterrupted, SigintExits130LeavingNothingInTmpdir) {
  EXPECT_EQ(run_interrupted_by(SIGINT), 130);
}

}  // namespace
}  // namespace eifkit
