// Boots an EIF in QEMU with its own kernel, cmdline and ramdisks, so an enclave image can be
// tried on any Linux machine without enclave hardware. The console is streamed to `console`
// and the application's exit status is read from the line eifkit's init prints.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "lib/eif/eif_reader.h"

namespace eifkit {

struct RunOptions {
  uint64_t memory_mib = 0;  // 0: the EIF header's default_mem
  unsigned timeout_s = 0;   // 0: none
  std::string qemu;         // empty: qemu-system-x86_64 or -aarch64 from PATH
  bool kvm = false;         // hardware acceleration; off by default, as nested KVM often fails
};

struct RunResult {
  int exit_status = 0;    // the application's, or 0 when the init did not report one
  bool reported = false;  // whether the init printed the status line
};

// `console` receives the guest's console output as it arrives. Stdin is forwarded to the
// guest; when it ends, ^D is sent so a shell reading the console exits.
RunResult run_eif_in_qemu(EifImage& image, const RunOptions& options,
                          const std::function<void(std::string_view)>& console);

// The line eifkit's init prints before powering off.
std::optional<int> parse_exit_status_line(std::string_view line);

}  // namespace eifkit
