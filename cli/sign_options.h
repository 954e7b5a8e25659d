// The options of `eifkit sign`, shared with nitro-cli's spelling of it (sign-eif).
#pragma once

#include <optional>
#include <string>

#include "cli/progress_display.h"

namespace eifkit::cli {

struct SignOptions {
  std::string eif, certificate, key, output, export_payload, signature, measurements_out;
  std::optional<std::string> pkcs11_module;
  ProgressMode progress = ProgressMode::kAuto;
};

// Runs the signing the options describe; returns the exit status.
int run_sign(const SignOptions& o);

}  // namespace eifkit::cli
