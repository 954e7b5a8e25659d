// A CI cancel (SIGTERM, SIGINT) during a build: exit 143/130 and nothing left beside the
// target. The build is held mid-way by a ramdisk that is a FIFO nobody writes to.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/test_support.h"

extern char** environ;

namespace eifkit {
namespace {

int build_interrupted_by(int signal_number) {
  test::ScratchDir dir;
  std::string fifo = dir / "ramdisk.fifo";
  EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string kernel = test::vector_path("eif/inputs/kernel.bin");
  std::string output = dir / "app.eif";
  std::vector<std::string> args = {
      EIFKIT_BINARY, "build",    "--kernel", kernel,         "--ramdisk",
      fifo,          "--output", output,     "--build-time", "2024-01-01T00:00:00Z"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  EXPECT_EQ(::posix_spawn(&pid, EIFKIT_BINARY, nullptr, nullptr, argv.data(), environ), 0);
  // Wait until eifkit is blocked opening the FIFO (a writer-less open blocks), i.e. mid-build.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ::kill(pid, signal_number);
  // Opening the write end would unblock the reader; the signal must be what ends it.
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"ramdisk.fifo"});
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

TEST(BuildInterrupted, SigtermExits143LeavingNothing) {
  EXPECT_EQ(build_interrupted_by(SIGTERM), 143);
}

TEST(BuildInterrupted, SigintExits130LeavingNothing) {
  EXPECT_EQ(build_interrupted_by(SIGINT), 130);
}

}  // namespace
}  // namespace eifkit
