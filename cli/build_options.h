// The options of `eifkit build`, shared with nitro-cli's spelling of it (build-enclave), which
// fills them from its own flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/progress_display.h"
#include "formats/eif_header.h"

namespace eifkit::cli {

struct BuildOptions {
  // What to build from.
  std::optional<std::string> image, rootfs_tar, platform;
  std::vector<std::string> ramdisks;
  // Boot files.
  std::optional<std::string> blobs, kernel, kernel_config, cmdline_file, cmdline, init, nsm;
  std::optional<std::string> arch;
  // Command.
  std::optional<std::string> cmd, entrypoint;
  std::vector<std::string> env;
  // Output and metadata.
  std::string output;
  bool measure_only = false;  // no EIF written: the PCRs only
  std::optional<std::string> name, version, metadata, build_time;
  // Signing.
  std::optional<std::string> signing_certificate, private_key, pkcs11_module;
  // What is reported.
  std::string format = "nitro";
  std::string compat = "eifkit";  // the application ramdisk's layout
  std::optional<std::string> measurements_out;
  ProgressMode progress = ProgressMode::kAuto;
  std::string program = "eifkit build";  // names the command in progress lines
};

// The machine's architecture: what build and ls pick from a multi-platform image when
// nothing else decides.
Arch host_arch();

// Runs the build the options describe; returns the exit status.
int run_build(const BuildOptions& o);

// Adds build's flags to `app`, filling `o` (cli/build_flags.cpp).
void add_build_flags(CLI::App& app, BuildOptions& o);

}  // namespace eifkit::cli
