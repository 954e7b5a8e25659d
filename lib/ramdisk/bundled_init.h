// Where eifkit's own enclave init is: beside the eifkit binary in a build tree, or in
// LIBDIR/eifkit/init once installed.
#pragma once

#include <optional>
#include <string>

namespace eifkit {

std::optional<std::string> bundled_init_path();

}  // namespace eifkit
