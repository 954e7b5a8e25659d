#include "lib/ramdisk/installed_init.h"

#ifndef EIFKIT_INSTALLED_INIT
#error "lib/CMakeLists.txt defines EIFKIT_INSTALLED_INIT from CMAKE_INSTALL_PREFIX"
#endif

namespace eifkit {

const char* installed_init_path() {
  return EIFKIT_INSTALLED_INIT;
}

}  // namespace eifkit
