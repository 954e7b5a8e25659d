// Command-line mistakes told the way a user can act on them. CLI11 reports a mistyped flag as
// whatever requirement it then misses ("--output is required") and names positionals by
// their variable names; these checks run first and name the command, flag or file instead,
// with the eifkit spelling of nitro-cli's commands and flags.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace eifkit::cli {

// An unknown command or flag on the command line, as the one-line message to print.
std::optional<std::string> check_command_line(CLI::App& root, int argc, char** argv);

// A CLI11 parse error, reworded: positionals by their meaning, missing files by their path.
std::string explain_parse_error(const CLI::ParseError& error, CLI::App& root, int argc,
                                char** argv);

}  // namespace eifkit::cli
