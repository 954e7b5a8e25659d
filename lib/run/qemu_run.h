// Boots an EIF in QEMU with its own kernel, cmdline and ramdisks, so an enclave image can be
// tried on any Linux machine without enclave hardware. The console is streamed to `console`
// and the application's exit status is read from the line eifkit's init prints.
#pragma once

#include <functional>
#include <string>

#include "lib/eif/eif_reader.h"

namespace eifkit {

struct RunOptions {
  uint64_t memory_mib = 0;  // 0: the EIF header's default_mem
  unsigned timeout_s = 0;   // 0: none
  std::string qemu;         // empty: qemu-system-x86_64 or -aarch64 from PATH
  bool kvm = false;         // hardware acceleration; off by default, as nested KVM often fails
};

enum class RunEnd {
  kReported,  // eifkit's init printed the application's exit status
  kNotRun,    // anything else: panic, unpack failure, init error, QEMU error, no status line
  kTimedOut,
};

struct RunResult {
  RunEnd end = RunEnd::kNotRun;
  int exit_status = 0;  // the application's, when reported
  std::string problem;  // why, when not reported: one line, quoting the kernel or the init
};

// The guest memory a boot of `image` gets, and nitro-cli's rule of thumb for enough of it:
// four times the EIF's size, so the kernel can hold the initrd and unpack it beside itself.
uint64_t guest_memory_mib(const EifImage& image, const RunOptions& options);
uint64_t recommended_memory_mib(const EifImage& image);

// `console` receives the guest's console output as it arrives. Stdin is forwarded to the
// guest; when it ends, ^D is sent so a shell reading the console exits.
RunResult run_eif_in_qemu(EifImage& image, const RunOptions& options,
                          const std::function<void(std::string_view)>& console);

}  // namespace eifkit
