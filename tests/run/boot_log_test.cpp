// How a boot ended, as read from the console: what `eifkit run` bases its exit status on.
#include "lib/run/boot_log.h"

#include <gtest/gtest.h>

namespace eifkit {
namespace {

BootLog read_console(std::string_view text, size_t chunk = 7) {
  BootLog log;
  for (size_t at = 0; at < text.size(); at += chunk) log.feed(text.substr(at, chunk));
  log.finish();
  return log;
}

TEST(BootLog, StatusLineOfEifkitsInit) {
  auto log = read_console("hello\r\n[    1.5] eifkit-init: application exited with status 7\r\n");
  EXPECT_EQ(log.exit_status, 7);
  EXPECT_TRUE(log.panic.empty());
}

TEST(BootLog, StatusLineWithoutTrailingNewline) {
  EXPECT_EQ(read_console("eifkit-init: application exited with status 0").exit_status, 0);
}

TEST(BootLog, ApplicationTextIsNotAStatus) {
  EXPECT_FALSE(read_console("eifkit-init: application exited with status x\n").exit_status);
  EXPECT_FALSE(read_console("application exited with status 3\n").exit_status);
}

TEST(BootLog, KernelMessageInsideTheStatusLineIsRejoined) {
  auto log = read_console(
      "eifkit-init: application exi[    2.301234] random: crng init done\nted with status 3\n");
  EXPECT_EQ(log.exit_status, 3);
}

TEST(BootLog, SeveralKernelLinesInsideTheStatusLine) {
  auto log = read_console(
      "eifkit-init: [    2.166694] tsc: Refined TSC clocksource calibration: 2095.979 MHz\r\n"
      "[    2.167395] clocksource: tsc: mask: 0xffffffffffffffff\r\n"
      "[    2.168039] clocksource: Switched to clocksource tsc\r\n"
      "application exited with status 7\r\n");
  EXPECT_EQ(log.exit_status, 7);
}

TEST(BootLog, PanicLineQuotedFromItsStart) {
  auto log = read_console(
      "[    0.9] Run /init as init process\n"
      "[    1.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00007f00\r\n"
      "[    1.0] CPU: 0 PID: 1 Comm: init\n");
  EXPECT_FALSE(log.exit_status);
  EXPECT_EQ(log.panic, "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00007f00");
}

TEST(BootLog, UnpackFailureAndInitFatal) {
  auto log = read_console(
      "[    0.5] Initramfs unpacking failed: write error\n"
      "eifkit-init: fatal: cannot open /cmd: No such file or directory\n");
  EXPECT_EQ(log.unpack_failure, "Initramfs unpacking failed: write error");
  EXPECT_EQ(log.init_fatal, "eifkit-init: fatal: cannot open /cmd: No such file or directory");
}

TEST(BootLog, LastLineKeptForQemuErrors) {
  auto log = read_console("qemu-system-x86_64: initrd is too large\n\n");
  EXPECT_EQ(log.last_line, "qemu-system-x86_64: initrd is too large");
}

TEST(BootLog, HugeStatusNumberStaysBounded) {
  auto log = read_console("eifkit-init: application exited with status 99999999999999999999\n");
  ASSERT_TRUE(log.exit_status);
  EXPECT_LT(*log.exit_status, 10000);
}

}  // namespace
}  // namespace eifkit
