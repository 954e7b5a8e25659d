// Old spellings of flags and commands, kept working for a while: hidden from --help, listed in
// the man pages, and each noted once on stderr when used ("eifkit: note: attest --out is now
// --output; --out will go").
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

namespace eifkit::cli {

// The option group of old spellings, which --help leaves out (help_formatter).
inline constexpr const char* kOldSpellingsGroup = "Old spellings";

// CLI11's help, without the old spellings; set on the root before any subcommand is added.
std::shared_ptr<CLI::Formatter> help_formatter();

// Remembers that `old_option`, of `app`, is the old spelling of `current`, to be noted when
// used.
void note_old_spelling(CLI::App* app, CLI::Option* old_option, CLI::Option* current);

// `old_name` as a hidden second spelling of the option `current`, filling the same value; the
// two may not be given together. Checks (ExistingFile, IsMember) are the caller's to add.
template <typename T>
CLI::Option* add_old_spelling(CLI::App* app, const std::string& old_name, CLI::Option* current,
                              T& value) {
  // Not CLI11's hidden group (""): an option there has no name in CLI11's own errors.
  CLI::Option* old_option = app->add_option(old_name, value)->group(kOldSpellingsGroup);
  note_old_spelling(app, old_option, current);
  return old_option;
}

// `old_name` as a hidden second spelling of the subcommand `current_name`; the caller fills
// it with the same options. Noted when used.
CLI::App* add_old_command(CLI::App* parent, const std::string& old_name,
                          const std::string& current_name, const std::string& description);

// One note on stderr for each old spelling the parsed command line used. Called once the
// command line parsed; an old and a new spelling of one flag given together are an Error.
void print_old_spelling_notes();

}  // namespace eifkit::cli
