// Where eifkit's own enclave init for an architecture is: beside the eifkit binary in a build
// tree (eifkit-init, eifkit-init-aarch64); once installed in BINDIR/../lib/eifkit (init,
// init-aarch64), so an installed tree still works when moved to another prefix; else in the
// configured prefix's lib/eifkit, for a binary copied out of its tree. Its bytes are
// reproducible (init/init.cmake), so its SHA-384 names it.
#pragma once

#include <optional>
#include <string>

#include "formats/eif_header.h"

namespace eifkit {

// The init to build with, checked: the first file found (beside the binary first) must have
// the SHA-384 that init/init.sha384 records for `arch`, or an Error names the file, its
// SHA-384 and the recorded one, since another init gives another PCR1. nullopt when none is
// found.
std::optional<std::string> bundled_init_path(Arch arch);

// The same file, unchecked: what `eifkit --version` reports.
std::optional<std::string> find_bundled_init(Arch arch);

// The SHA-384 init/init.sha384 records for eifkit's init for `arch` (lowercase hex).
const char* recorded_init_sha384(Arch arch);

// The check bundled_init_path() makes on the file at `path`.
void check_bundled_init(const std::string& path, Arch arch);

// Lowercase hex SHA-384 of the init file at `path`.
std::string init_sha384(const std::string& path);

}  // namespace eifkit
