// eifkit run: boot an EIF in QEMU, stream its console, exit with the application's status —
// and only with it: a boot that never ran the application exits 125, a timeout 124, so CI
// cannot mistake a broken image for an application that returned 0.
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "lib/eif/eif_reader.h"
#include "lib/run/qemu_run.h"

namespace eifkit::cli {

namespace {
constexpr int kTimedOutStatus = 124;
constexpr int kNotRunStatus = 125;
}  // namespace

Subcommand add_run_command(CLI::App& parent) {
  struct Options {
    std::string eif;
    RunOptions run;
    bool no_verify = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "run",
      "Boot an EIF in QEMU (no enclave hardware needed); exit with the application's "
      "status (124: timeout, 125: the application did not run)");
  app->add_option("eif", o->eif, "EIF to boot")->required();
  app->add_option("--memory", o->run.memory_mib, "Guest memory in MiB (default: the EIF's)");
  app->add_option("--timeout", o->run.timeout_s,
                  "Stop the guest after this many seconds (exit 124)");
  app->add_option("--qemu", o->run.qemu, "QEMU binary (default: qemu-system-ARCH from PATH)");
  app->add_flag("--kvm", o->run.kvm, "Use KVM instead of emulation (needs /dev/kvm)");
  app->add_flag("--no-verify", o->no_verify, "Boot even when the EIF's CRC does not match");
  return {app, [o] {
            std::signal(SIGPIPE, SIG_IGN);  // the guest may go away while we forward stdin
            EifImage image = open_eif(o->eif);
            if (!o->no_verify) {
              EifScan scan = scan_eif(image);
              if (!scan.crc_ok) {
                std::cerr << "eifkit: " << o->eif << ": " << crc_mismatch(image, scan)
                          << ": the image is damaged; not booting it (--no-verify boots it anyway)"
                          << std::endl;
                return 1;
              }
            }
            uint64_t memory = guest_memory_mib(image, o->run);
            uint64_t enough = recommended_memory_mib(image);
            if (memory < enough) {
              std::cerr << "eifkit: warning: " << o->eif << ": " << memory
                        << " MiB of guest memory is less than 4 times the image's size (" << enough
                        << " MiB); the kernel may fail to unpack the ramdisks" << std::endl;
            }
            RunResult result = run_eif_in_qemu(image, o->run, [](std::string_view text) {
              std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
              std::cout.flush();
            });
            switch (result.end) {
              case RunEnd::kReported:
                return result.exit_status;
              case RunEnd::kTimedOut:
                std::cerr << "eifkit: " << o->eif << ": " << result.problem << std::endl;
                return kTimedOutStatus;
              case RunEnd::kNotRun:
                break;
            }
            std::cerr << "eifkit: " << o->eif
                      << ": the enclave did not run the application: " << result.problem
                      << std::endl;
            return kNotRunStatus;
          }};
}

}  // namespace eifkit::cli
