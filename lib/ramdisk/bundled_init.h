// Where eifkit's own enclave init for an architecture is: beside the eifkit binary in a build
// tree (eifkit-init, eifkit-init-aarch64), or in LIBDIR/eifkit (init, init-aarch64) once
// installed. Its bytes are reproducible (init/init.cmake), so its SHA-384 names it.
#pragma once

#include <optional>
#include <string>

#include "formats/eif_header.h"

namespace eifkit {

std::optional<std::string> bundled_init_path(Arch arch);

// Lowercase hex SHA-384 of the init file at `path`.
std::string init_sha384(const std::string& path);

}  // namespace eifkit
