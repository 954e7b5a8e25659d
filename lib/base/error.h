// The one exception type eifkit throws: a complete, user-facing, one-line message that names
// the file and the problem. The CLI catches it once and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace eifkit {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "PATH: what" — the shape of every error about a file.
[[noreturn]] void fail(const std::string& path, const std::string& what);
// Same, with strerror(errno) appended.
[[noreturn]] void fail_errno(const std::string& path, const std::string& what);

}  // namespace eifkit
