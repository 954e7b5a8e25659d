#include "lib/base/error.h"

#include <cerrno>
#include <cstring>

namespace eifkit {

void fail(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what);
}

void fail_errno(const std::string& path, const std::string& what) {
  int err = errno;
  throw Error(path + ": " + what + ": " + std::strerror(err));
}

}  // namespace eifkit
