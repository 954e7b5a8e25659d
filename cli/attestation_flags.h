// The flags `attestation verify` and `policy check --attestation` share: which root, at what
// time, whose signature encoding (--encoding nitro|qingtian).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "lib/attestation/attestation_verify.h"

namespace eifkit::cli {

struct AttestationFlags {
  std::optional<std::string> root, at, encoding;  // --encoding, or its old --platform
};

void add_attestation_flags(CLI::App& app, AttestationFlags& flags);

// Verify options from the flags; the clock is read only when the time is "now".
AttestationVerifyOptions attestation_options(const AttestationFlags& flags);

}  // namespace eifkit::cli
