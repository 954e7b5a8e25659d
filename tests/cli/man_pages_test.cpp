// Every command `eifkit --help` lists has --help of its own and a man page in man/, and the
// page names every flag that --help prints for the command and its subcommands.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "tests/support/test_support.h"

namespace eifkit {
namespace {

// The names under "Subcommands:" in `eifkit [COMMAND...] --help`.
std::vector<std::string> subcommands(std::vector<std::string> command = {}) {
  command.push_back("--help");
  auto help = test::run_eifkit(command);
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

// The long flags in --help's output: the first word of each option line
// ("  -h,--help", "  --policy TEXT:FILE REQUIRED"), --help itself left out.
std::vector<std::string> flags_in_help(const std::string& help) {
  std::istringstream in(help);
  std::vector<std::string> flags;
  static const std::regex flag("--[A-Za-z0-9][A-Za-z0-9-]*");
  for (std::string line; std::getline(in, line);) {
    // Option lines, in "Options:" and in the groups some commands have ("Input:", ...):
    // positionals and subcommands start with a name, descriptions further right.
    if (line.rfind("  -", 0) != 0) continue;
    std::string first = line.substr(2, line.find(' ', 2) - 2);
    for (std::sregex_iterator m(first.begin(), first.end(), flag), end; m != end; ++m) {
      if (m->str() != "--help") flags.push_back(m->str());
    }
  }
  return flags;
}

// A man page's text with roff's escapes for hyphens and fonts undone.
std::string page_text(const std::string& path) {
  std::ifstream in(path);
  std::string roff((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  roff = std::regex_replace(roff, std::regex(R"(\\f(\[[A-Z]*\]|[BIRP]))"), "");
  roff = std::regex_replace(roff, std::regex(R"(\\-)"), "-");
  return roff;
}

TEST(ManPages, EachPageNamesEveryFlagItsCommandsHelpPrints) {
  std::vector<std::string> missing;
  for (const std::string& name : subcommands()) {
    std::string page = test::testdata_path("../man/eifkit-" + name + ".1");
    std::string text = page_text(page);
    ASSERT_FALSE(text.empty()) << page;
    // The command and each of its subcommands (policy aws, attestation verify, ...).
    std::vector<std::vector<std::string>> commands = {{name}};
    for (const std::string& sub : subcommands({name})) commands.push_back({name, sub});
    for (std::vector<std::string> command : commands) {
      std::string spelled;
      for (const std::string& word : command) spelled += " " + word;
      command.push_back("--help");
      auto help = test::run_eifkit(command);
      ASSERT_EQ(help.status, 0) << "eifkit" << spelled << " --help: " << help.err;
      std::vector<std::string> flags = flags_in_help(help.out);
      for (const std::string& flag : flags) {
        std::regex word("(^|[^A-Za-z0-9-])" + flag + "($|[^A-Za-z0-9-])");
        if (!std::regex_search(text, word)) {
          missing.push_back("eifkit" + spelled + " " + flag + " (man/eifkit-" + name + ".1)");
        }
      }
    }
  }
  std::string list;
  for (const std::string& m : missing) list += "\n  " + m;
  EXPECT_TRUE(missing.empty()) << "flags --help prints that the man page does not name:" << list;
}

// CLI11 prints a transformer's map ("{auto->1,none->0,...}") unless told otherwise; a user
// needs the words the flag takes.
TEST(ManPages, NoHelpShowsAnEnumsInternalValues) {
  std::vector<std::vector<std::string>> commands = {{}};
  for (const std::string& name : subcommands()) {
    commands.push_back({name});
    for (const std::string& sub : subcommands({name})) commands.push_back({name, sub});
  }
  for (std::vector<std::string> command : commands) {
    command.push_back("--help");
    auto help = test::run_eifkit(command);
    EXPECT_EQ(help.out.find("->"), std::string::npos) << help.out;
  }
  auto build = test::run_eifkit({"build", "--help"});
  EXPECT_NE(build.out.find("--progress {auto,tty,plain,none}=auto"), std::string::npos)
      << build.out;
}

}  // namespace
}  // namespace eifkit
