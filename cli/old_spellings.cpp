#include "cli/old_spellings.h"

#include <iostream>
#include <vector>

#include "lib/base/error.h"

namespace eifkit::cli {

namespace {

struct OldSpelling {
  CLI::Option* option = nullptr;  // an old flag, or
  CLI::App* command = nullptr;    // an old command, or the option's
  std::string current;
  CLI::Option* current_option = nullptr;
};

std::vector<OldSpelling>& old_spellings() {
  static std::vector<OldSpelling> spellings;
  return spellings;
}

// "attestation verify": the command's words without the program's name.
std::string command_words(const CLI::App* app) {
  std::string words;
  for (; app && app->get_parent(); app = app->get_parent()) {
    words = app->get_name() + (words.empty() ? "" : " ") + words;
  }
  return words;
}

// CLI11's help, but for the group of old spellings.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_group(std::string group, bool is_positional,
                         std::vector<const CLI::Option*> opts) const override {
    if (group == kOldSpellingsGroup) return "";
    return CLI::Formatter::make_group(std::move(group), is_positional, std::move(opts));
  }
};

}  // namespace

std::shared_ptr<CLI::Formatter> help_formatter() {
  return std::make_shared<HelpFormatter>();
}

void note_old_spelling(CLI::App* app, CLI::Option* old_option, CLI::Option* current) {
  old_spellings().push_back({old_option, app, current->get_name(), current});
}

CLI::App* add_old_command(CLI::App* parent, const std::string& old_name,
                          const std::string& current_name, const std::string& description) {
  CLI::App* app = parent->add_subcommand(old_name, description)->group("");
  old_spellings().push_back({nullptr, app, current_name, nullptr});
  return app;
}

void print_old_spelling_notes() {
  for (const OldSpelling& s : old_spellings()) {
    std::string note;
    if (!s.option && s.command->parsed()) {
      note = s.command->get_name();
      note += " is now ";
      note += s.current;
      note += "; ";
      note += s.command->get_name();
      note += " will go";
    } else if (s.option && s.option->count() > 0) {
      std::string old_name = s.option->get_name();
      if (s.current_option->count() > 0) {
        throw Error(s.current + " and " + old_name + " are one flag (" + old_name +
                    " is its old spelling): give " + s.current + " once");
      }
      note = command_words(s.command);
      note += " ";
      note += old_name;
      note += " is now ";
      note += s.current;
      note += "; ";
      note += old_name;
      note += " will go";
    }
    if (!note.empty()) std::cerr << "eifkit: note: " << note << std::endl;
  }
}

}  // namespace eifkit::cli
