// Reads a guest's serial console as it streams and keeps what decides how a boot ended: the
// status line of eifkit's init, a kernel panic, a failed initramfs unpack, an init's fatal
// error. Kernel messages can land in the middle of a line the application was writing, so a
// line is split at a kernel timestamp and the application's part rejoined with what follows.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eifkit {

struct BootLog {
  std::optional<int> exit_status;  // from "eifkit-init: application exited with status N"
  std::string panic;               // "Kernel panic - not syncing: ..."
  std::string unpack_failure;      // "Initramfs unpacking failed: ..."
  std::string init_fatal;          // "eifkit-init: fatal: ..."
  std::string last_line;           // the last non-empty line, for QEMU's own errors

  void feed(std::string_view text);
  void finish();  // the console ended: judge a last line without its newline

 private:
  std::string line_, carried_;
  void judge(std::string_view line);
  void end_line();
};

// The line eifkit's init prints before powering off.
std::optional<int> parse_exit_status_line(std::string_view line);

}  // namespace eifkit
