// eifkit: build, measure and describe Enclave Image Files. Results go to stdout as JSON,
// messages to stderr. Every eifkit::Error is caught here: one line, exit status 2.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/old_spellings.h"
#include "cli/subcommand.h"
#include "cli/usage_errors.h"
#include "lib/base/byte_strings.h"
#include "lib/base/error.h"
#include "lib/base/interrupt_cleanup.h"
#include "lib/ramdisk/bundled_init.h"

namespace eifkit::cli {

void print_json(const nlohmann::json& j) {
  // Every string that may hold bytes (names, targets) went through put_byte_string; should
  // one have slipped through, print U+FFFD rather than fail after the work is done.
  std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace eifkit::cli

// The version, and for each architecture the init this eifkit puts into images, with its
// SHA-384 (PCR1 of an image built with eifkit's own init depends on those bytes) and its path,
// so that a user sees which file an installed or a build-tree eifkit takes.
static std::string version_text() {
  std::string text = std::string("eifkit ") + EIFKIT_VERSION;
  for (eifkit::Arch arch : {eifkit::Arch::kX86_64, eifkit::Arch::kAarch64}) {
    text += std::string("\ninit ") + eifkit::arch_name(arch) + ": ";
    auto path = eifkit::find_bundled_init(arch);
    text += path ? "sha384 " + eifkit::init_sha384(*path) + " " + *path : "not found";
  }
  return text;
}

int main(int argc, char** argv) {
  using namespace eifkit::cli;
  eifkit::install_interrupt_cleanup();
  CLI::App app{
      "eifkit builds Enclave Image Files (AWS Nitro Enclaves, Huawei QingTian) without a\n"
      "Docker daemon, computes their PCR measurements, and describes existing images.",
      "eifkit"};
  app.set_version_flag("--version", version_text);
  app.require_subcommand(1);
  app.footer("See eifkit(1) and eifkit-COMMAND(1).");
  app.formatter(help_formatter());
  std::vector<Subcommand> commands = {
      add_build_command(app),   add_describe_command(app), add_pcr_command(app),
      add_keygen_command(app),  add_sign_command(app),     add_verify_command(app),
      add_extract_command(app), add_run_command(app),      add_policy_command(app)};
  for (Subcommand& command : add_provenance_command(app)) commands.push_back(std::move(command));
  for (Subcommand command :
       {add_attestation_command(app), add_diff_command(app), add_ls_command(app)}) {
    commands.push_back(std::move(command));
  }
  for (Subcommand& command : add_nitro_cli_commands(app)) commands.push_back(std::move(command));
  if (auto problem = check_command_line(app, argc, argv)) {
    std::cerr << "eifkit: " << *problem << std::endl;
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Like every other error: one line on stderr, naming the flag or file.
    std::cerr << "eifkit: " << explain_parse_error(e, app, argc, argv) << std::endl;
    return 2;
  }
  for (const Subcommand& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      print_old_spelling_notes();
      return command.run();
    } catch (const eifkit::Error& e) {
      std::cerr << "eifkit: " << eifkit::printable(e.what()) << std::endl;
      return 2;
    } catch (const std::exception& e) {
      // Not a message written for users, but still one line, and the unwinding has removed
      // any temporary output.
      std::cerr << "eifkit: internal error: " << eifkit::printable(e.what()) << std::endl;
      return 2;
    }
  }
  return 2;
}
