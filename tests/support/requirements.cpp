#include "tests/support/requirements.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/image_fixtures.h"

namespace eifkit::test {

bool in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  std::string v = ci;
  return !v.empty() && v != "0" && v != "false";
}

bool require(bool met, const std::string& why, const char* file, int line) {
  if (met) return true;
  testing::ScopedTrace trace(file, line, "required here");
  // FAIL() and GTEST_SKIP() return from the function they are in: each gets a lambda of its
  // own, and the result they record is the running test's.
  if (in_ci()) {
    [&] { FAIL() << "missing in CI: " << why << " (CI=true: a missing prerequisite fails)"; }();
  } else {
    [&] { GTEST_SKIP() << "skipped: " << why; }();
  }
  return false;
}

bool require_tool(const std::string& name, const char* file, int line) {
  std::string why = name;
  why += " is not installed (make deps installs it)";
  return require(have_tool(name), why, file, line);
}

}  // namespace eifkit::test
