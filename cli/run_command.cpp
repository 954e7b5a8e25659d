// eifkit run: boot an EIF in QEMU, stream its console, exit with the application's status.
#include <csignal>
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "lib/eif/eif_reader.h"
#include "lib/run/qemu_run.h"

namespace eifkit::cli {

Subcommand add_run_command(CLI::App& parent) {
  struct Options {
    std::string eif;
    RunOptions run;
  };
  auto o = std::make_shared<Options>();
  CLI::App* app = parent.add_subcommand(
      "run",
      "Boot an EIF in QEMU (no enclave hardware needed); exit with the application's "
      "status");
  app->add_option("eif", o->eif, "EIF to boot")->required();
  app->add_option("--memory", o->run.memory_mib, "Guest memory in MiB (default: the EIF's)");
  app->add_option("--timeout", o->run.timeout_s, "Stop the guest after this many seconds");
  app->add_option("--qemu", o->run.qemu, "QEMU binary (default: qemu-system-ARCH from PATH)");
  app->add_flag("--kvm", o->run.kvm, "Use KVM instead of emulation (needs /dev/kvm)");
  return {app, [o] {
            std::signal(SIGPIPE, SIG_IGN);  // the guest may go away while we forward stdin
            EifImage image = open_eif(o->eif);
            RunResult result = run_eif_in_qemu(image, o->run, [](std::string_view text) {
              std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
              std::cout.flush();
            });
            return result.exit_status;
          }};
}

}  // namespace eifkit::cli
