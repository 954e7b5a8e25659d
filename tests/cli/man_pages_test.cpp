// Every command `eifkit --help` lists has --help of its own and a man page in man/.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

std::vector<std::string> subcommands() {
  auto help = test::run_eifkit({"--help"});
  std::istringstream in(help.out);
  std::vector<std::string> names;
  bool listing = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      listing = true;
      continue;
    }
    if (listing && line.rfind("  ", 0) == 0) names.push_back(line.substr(2, line.find(' ', 2) - 2));
    if (listing && line.empty()) break;
  }
  return names;
}

TEST(ManPages, EveryCommandHasHelpAndAManPage) {
  auto names = subcommands();
  ASSERT_GE(names.size(), 10u);
  struct stat st;
  EXPECT_EQ(::stat(test::testdata_path("../man/eifkit.1").c_str(), &st), 0);
  for (const std::string& name : names) {
    std::string page = test::testdata_path("../man/eifkit-" + name + ".1");
    EXPECT_EQ(::stat(page.c_str(), &st), 0) << "no man page for " << name << ": " << page;
    auto help = test::run_eifkit({name, "--help"});
    EXPECT_EQ(help.status, 0) << name;
    EXPECT_NE(help.out.find("Usage: eifkit " + name), std::string::npos) << help.out;
  }
}

}  // namespace
}  // namespace eifkit
