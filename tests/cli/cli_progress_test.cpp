// --progress: a live line on a terminal that is cleared at the end, plain lines for logs only
// when asked, nothing otherwise; stdout stays the JSON result whatever the mode.
#include <fcntl.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

using test::read_json;
using test::run_eifkit;
using test::RunResult;
using test::ScratchDir;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string input(const std::string& name) {
  return test::vector_path("eif/inputs/" + name);
}

// A ramdisk big enough that building takes several redraws (sparse: costs no disk).
std::string big_ramdisk(const ScratchDir& dir) {
  std::string path = dir / "big.cpio";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::ftruncate(fd, off_t{384} << 20), 0);
  ::close(fd);
  return path;
}

std::vector<std::string> build_args(const std::string& ramdisk, const std::string& output) {
  return {"build",
          "--kernel",
          input("kernel.bin"),
          "--cmdline-file",
          input("cmdline.txt"),
          "--ramdisk",
          input("ramdisk-bootstrap.bin"),
          "--ramdisk",
          ramdisk,
          "--output",
          output,
          "--build-time",
          "2024-01-01T00:00:00Z"};
}

struct PtyRun {
  int status = -1;
  std::string terminal;  // what eifkit wrote to the terminal (stderr)
  std::string out;       // stdout, redirected to a file
};

// Runs eifkit with stderr on a pseudo-terminal and stdout in a file.
PtyRun run_on_pty(std::vector<std::string> args, const std::string& stdout_path) {
  args.insert(args.begin(), EIFKIT_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int master = -1;
  winsize ws{};
  ws.ws_col = 200;
  ws.ws_row = 24;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    int out = ::open(stdout_path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ::dup2(out, STDOUT_FILENO);
    ::setenv("TERM", "xterm", 1);
    ::execv(EIFKIT_BINARY, argv.data());
    ::_exit(127);
  }
  PtyRun run;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed its side
    run.terminal.append(buf, static_cast<size_t>(n));
  }
  ::close(master);
  ::waitpid(pid, &run.status, 0);
  std::ifstream in(stdout_path);
  run.out.assign(std::istreambuf_iterator<char>(in), {});
  return run;
}

TEST(CliProgress, OnATerminalOneLiveLineIsDrawnAndCleared) {
  ScratchDir dir;
  std::vector<std::string> args = build_args(big_ramdisk(dir), dir / "app.eif");
  PtyRun run = run_on_pty(args, dir / "stdout.json");
  ASSERT_TRUE(WIFEXITED(run.status));
  EXPECT_EQ(WEXITSTATUS(run.status), 0) << run.terminal;
  // Redrawn in place: carriage returns, never a newline.
  EXPECT_THAT(run.terminal, StartsWith("\reifkit build: writing EIF "));
  EXPECT_THAT(run.terminal, HasSubstr(" / 384.1 MiB "));
  EXPECT_THAT(run.terminal, HasSubstr("MiB/s ETA "));
  EXPECT_THAT(run.terminal, Not(HasSubstr("\n")));
  // Cleared at the end: the last thing written erases the line.
  EXPECT_THAT(run.terminal, EndsWith("\r\033[K"));
  // stdout is the JSON alone, with the same PCRs as a run without progress.
  nlohmann::json printed = nlohmann::json::parse(run.out);
  RunResult plain = run_eifkit(build_args(dir / "big.cpio", dir / "quiet.eif"));
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(printed, nlohmann::json::parse(plain.out));
}

TEST(CliProgress, TerminalLineNamesTheLayerPhaseOfAnImageBuild) {
  ScratchDir dir;
  std::vector<std::string> args = {"build",
                                   "--kernel",
                                   input("kernel.bin"),
                                   "--image",
                                   test::testdata_path("sample-image.tar"),
                                   "--init",
                                   test::vector_path("ramdisk/init.bin"),
                                   "--output",
                                   dir / "app.eif",
                                   "--build-time",
                                   "2024-01-01T00:00:00Z",
                                   "--progress",
                                   "tty"};
  PtyRun run = run_on_pty(args, dir / "stdout.json");
  ASSERT_TRUE(WIFEXITED(run.status));
  EXPECT_EQ(WEXITSTATUS(run.status), 0) << run.terminal;
  // A small image may finish between two redraws; whatever was drawn is cleared.
  if (!run.terminal.empty()) {
    EXPECT_THAT(run.terminal, EndsWith("\r\033[K"));
  }
  EXPECT_THAT(run.terminal, Not(HasSubstr("\n")));
  EXPECT_TRUE(nlohmann::json::parse(run.out).contains("Measurements"));
}

TEST(CliProgress, NotOnATerminalNothingIsPrinted) {
  ScratchDir dir;
  std::vector<std::string> args = build_args(big_ramdisk(dir), dir / "app.eif");
  RunResult r = run_eifkit(args);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  args.push_back("--progress=auto");
  r = run_eifkit(args);
  EXPECT_EQ(r.err, "");
}

TEST(CliProgress, PlainPrintsAPhaseLineAndADoneLine) {
  ScratchDir dir;
  std::vector<std::string> args = build_args(big_ramdisk(dir), dir / "app.eif");
  args.push_back("--progress=plain");
  RunResult r = run_eifkit(args);
  ASSERT_EQ(r.status, 0) << r.err;
  // A build of under 5 seconds: no line between the phase and the end.
  EXPECT_THAT(r.err, StartsWith("eifkit build: writing EIF (384.1 MiB)\n"));
  EXPECT_THAT(r.err, ::testing::MatchesRegex("eifkit build: writing EIF \\(384.1 MiB\\)\n"
                                             "(eifkit build: writing EIF .*\n)?"
                                             "eifkit build: done in [0-9]+\\.[0-9] s\n"));
  EXPECT_TRUE(nlohmann::json::parse(r.out).contains("Measurements"));
}

TEST(CliProgress, PlainOnTheCommandsThatReadAnEif) {
  ScratchDir dir;
  std::string eif = test::vector_path("eif/two-ramdisks.eif");
  for (std::string command : {"describe", "verify"}) {
    RunResult r = run_eifkit({command, eif, "--progress=plain"});
    EXPECT_THAT(r.err, StartsWith("eifkit " + command + ": reading EIF (")) << command;
    EXPECT_THAT(r.err, HasSubstr("eifkit " + command + ": done in ")) << command;
    EXPECT_TRUE(nlohmann::json::accept(r.out)) << command;
  }
  RunResult r = run_eifkit({"extract", eif, "--output", dir / "x", "--progress=plain"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, StartsWith("eifkit extract: reading EIF ("));
  EXPECT_THAT(r.err, HasSubstr("eifkit extract: writing sections ("));
  EXPECT_THAT(r.err, EndsWith("s\n"));
}

TEST(CliProgress, PlainOnSign) {
  ScratchDir dir;
  std::string eif = test::vector_path("eif/two-ramdisks.eif");
  RunResult key = run_eifkit({"keygen", "--private-key", dir / "key.pem", "--signing-certificate",
                              dir / "cert.pem", "--subject", "/CN=progress"});
  ASSERT_EQ(key.status, 0) << key.err;
  RunResult r =
      run_eifkit({"sign", eif, "--output", dir / "signed.eif", "--signing-certificate",
                  dir / "cert.pem", "--private-key", dir / "key.pem", "--progress=plain"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("eifkit sign: reading EIF ("));
  EXPECT_THAT(r.err, HasSubstr("eifkit sign: writing EIF ("));
  EXPECT_THAT(r.err, HasSubstr("eifkit sign: done in "));
}

TEST(CliProgress, AFailedCommandEndsWithItsErrorNotADoneLine) {
  ScratchDir dir;
  std::string garbage = dir / "rootfs.tar";
  test::write_bytes(garbage, std::vector<uint8_t>(3000, 0x42));
  RunResult r = run_eifkit({"build", "--rootfs-tar", garbage, "--cmd", "/app", "--kernel",
                            input("kernel.bin"), "--init", test::vector_path("ramdisk/init.bin"),
                            "--output", dir / "app.eif", "--progress=plain"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, StartsWith("eifkit build: reading layers (2.9 KiB)\neifkit: " + garbage));
  EXPECT_THAT(r.err, Not(HasSubstr("done in")));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 2) << r.err;
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"rootfs.tar"});
}

TEST(CliProgress, AnUnknownModeIsAUsageError) {
  RunResult r =
      run_eifkit({"describe", test::vector_path("eif/two-ramdisks.eif"), "--progress=fancy"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("--progress"));
  EXPECT_THAT(r.err, HasSubstr("fancy"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace eifkit
