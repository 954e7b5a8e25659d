// Where `cmake --install` puts eifkit's init for the prefix this build was configured with.
#pragma once

namespace eifkit {

// PREFIX/lib/eifkit/init (the aarch64 one has "-aarch64" appended). Kept in an object of its
// own, the only one compiled with the prefix: a new CMAKE_INSTALL_PREFIX recompiles one file,
// and a test links eifkit again with another prefix without compiling the rest.
const char* installed_init_path();

}  // namespace eifkit
