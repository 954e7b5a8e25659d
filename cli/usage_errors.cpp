#include "cli/usage_errors.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace eifkit::cli {

namespace {

// nitro-cli's commands that eifkit does not take under their own name (build-enclave,
// describe-eif and sign-eif it does), and their eifkit equivalents.
const std::map<std::string, std::string>& nitro_cli_commands() {
  static const std::map<std::string, std::string> hints = {
      {"run-enclave", "eifkit run app.eif (boots it in QEMU)"},
  };
  return hints;
}

// nitro-cli's flags and what eifkit takes instead.
const std::map<std::string, std::string>& nitro_cli_flags() {
  static const std::map<std::string, std::string> hints = {
      {"--docker-uri",
       "eifkit needs no Docker daemon: save the image to a file (docker save app -o app.tar, or "
       "skopeo copy docker://REF docker-archive:app.tar) and give --image app.tar"},
      {"--docker-dir", "eifkit builds from an image file: give --image app.tar"},
      {"--output-file", "use --output"},
      {"--eif-path", "give the EIF as the command's argument, e.g. eifkit describe app.eif"},
      {"--input",
       "give the file as the command's argument, e.g. eifkit describe app.eif (only eifkit pcr "
       "takes --input FILE)"},
  };
  return hints;
}

std::string command_path(const CLI::App* app) {
  std::string path;
  for (; app; app = app->get_parent()) path = app->get_name() + (path.empty() ? "" : " ") + path;
  return path;
}

std::string list_subcommands(const CLI::App* app) {
  std::string names;
  // Not the hidden old spellings (cli/old_spellings.h).
  for (const CLI::App* sub :
       app->get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

CLI::App* find_subcommand(CLI::App* app, const std::string& name) {
  for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->check_name(name)) return sub;
  }
  return nullptr;
}

const CLI::Option* find_option(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(name)) return option;
  }
  return nullptr;
}

bool has_subcommands(const CLI::App* app) {
  return !app->get_subcommands([](const CLI::App*) { return true; }).empty();
}

bool takes_operands(const CLI::App* app) {
  for (const CLI::Option* option : app->get_options()) {
    if (option->get_positional() && !option->nonpositional()) return true;
  }
  return false;
}

std::string unknown_command(const CLI::App* app, const std::string& name) {
  std::string where = app->get_parent() ? app->get_name() + " " : "";
  std::string message = "unknown " + where + "command '" + name + "'";
  auto hint = nitro_cli_commands().find(name);
  if (!app->get_parent() && hint != nitro_cli_commands().end()) {
    return message + ": that is nitro-cli's; with eifkit: " + hint->second;
  }
  return message + "; the " + where + "commands are: " + list_subcommands(app);
}

std::string unknown_flag(const CLI::App* app, const std::string& flag) {
  std::string message = "unknown option '" + flag + "' for '" + command_path(app) + "'";
  auto hint = nitro_cli_flags().find(flag);
  if (hint != nitro_cli_flags().end()) message += ": that is nitro-cli's; " + hint->second;
  return message + " (see " + command_path(app) + " --help)";
}

// The subcommand the command line selects, as deep as it goes.
CLI::App* selected_app(CLI::App& root, int argc, char** argv) {
  CLI::App* app = &root;
  for (int i = 1; i < argc; ++i) {
    if (CLI::App* sub = find_subcommand(app, argv[i])) app = sub;
  }
  return app;
}

std::string positional_name(const CLI::Option* option) {
  std::string name = option->get_name(true, false);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return name;
}

}  // namespace

std::optional<std::string> check_command_line(CLI::App& root, int argc, char** argv) {
  CLI::App* app = &root;
  bool seen_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-' && !std::isdigit(static_cast<unsigned char>(arg[1]))) {
      bool long_form = arg[1] == '-';
      std::string name = long_form ? arg.substr(0, arg.find('=')) : arg.substr(0, 2);
      const CLI::Option* option = find_option(app, name);
      if (!option) return unknown_flag(app, name);
      bool value_attached = long_form ? arg.find('=') != std::string::npos : arg.size() > 2;
      if (option->get_expected_min() > 0 && !value_attached) {
        // Its values follow: one, or for a list as many as do not look like flags.
        int taken = 0;
        while (i + 1 < argc && taken < std::max(1, option->get_expected_max()) &&
               (taken == 0 || argv[i + 1][0] != '-')) {
          ++i;
          ++taken;
        }
      }
      continue;
    }
    if (!seen_positional && has_subcommands(app)) {
      CLI::App* sub = find_subcommand(app, arg);
      if (sub) {
        app = sub;
        continue;
      }
      // A command with operands of its own as well (provenance RECORD | provenance verify).
      if (!takes_operands(app)) return unknown_command(app, arg);
    }
    seen_positional = true;
  }
  return std::nullopt;
}

std::string explain_parse_error(const CLI::ParseError& error, CLI::App& root, int argc,
                                char** argv) {
  std::string message = error.what();
  std::replace(message.begin(), message.end(), '\n', ' ');
  CLI::App* app = selected_app(root, argc, argv);
  if (app == &root && error.get_name() == "RequiredError") {
    return "a command is required; the commands are: " + list_subcommands(&root) +
           " (see eifkit --help)";
  }
  for (const CLI::Option* option : app->get_options()) {
    if (!option->get_positional() || option->nonpositional()) continue;
    std::string pname = option->get_name(true, false);
    if (message.rfind(pname + " is required", 0) == 0) {
      std::string what = option->get_description();
      if (what.size() > 1 && std::islower(static_cast<unsigned char>(what[1]))) {
        what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
      }
      return command_path(app) + " needs " + positional_name(option) + " (" + what + "); see " +
             command_path(app) + " --help";
    }
    if (message.rfind(pname + ": ", 0) == 0) message = message.substr(pname.size() + 2);
  }
  // "File does not exist: PATH", as every other missing file is reported.
  static const std::string kMissing = "File does not exist: ";
  size_t at = message.find(kMissing);
  if (at != std::string::npos) {
    std::string flag =
        at >= 2 && message.compare(at - 2, 2, ": ") == 0 ? message.substr(0, at - 2) : "";
    message = message.substr(at + kMissing.size()) + ": no such file" +
              (flag.empty() ? "" : " (" + flag + ")");
  }
  return message;
}

}  // namespace eifkit::cli
