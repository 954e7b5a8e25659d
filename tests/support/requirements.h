// What a test needs from the machine (a tool, root, a fetched kernel), checked in one place.
// Where it is missing, the test is skipped with the reason; in CI (environment CI=true, which
// .ci/run sets) it fails naming what is missing instead, so that a suite cannot pass there
// by quietly not running.
//   EIFKIT_REQUIRE_TOOL("softhsm2-util");
//   EIFKIT_REQUIRE(::geteuid() == 0, "creating device nodes needs root");
// Both return from the calling function (a test body or SetUp) when the need is unmet.
#pragma once

#include <string>

namespace eifkit::test {

// CI is set to anything but "", "0" or "false".
bool in_ci();

// True when `met`; otherwise records a skip (locally) or a fatal failure (in CI) saying `why`,
// traced to FILE:LINE, and returns false: the caller returns at once (the macros below do).
[[nodiscard]] bool require(bool met, const std::string& why, const char* file = "", int line = 0);
// require(have_tool(name), "NAME is not installed (make deps installs it)").
[[nodiscard]] bool require_tool(const std::string& name, const char* file = "", int line = 0);

}  // namespace eifkit::test

#define EIFKIT_REQUIRE(met, why)                                            \
  do {                                                                      \
    if (!::eifkit::test::require((met), (why), __FILE__, __LINE__)) return; \
  } while (false)

#define EIFKIT_REQUIRE_TOOL(name)                                          \
  do {                                                                     \
    if (!::eifkit::test::require_tool((name), __FILE__, __LINE__)) return; \
  } while (false)
