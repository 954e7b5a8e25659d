// eifkit ls: what the enclave will hold, without building it: the application ramdisk's
// entries in the order they would be written, in either layout, as JSON lines or `ls -l`
// text. Works for any image, also one with no command.

#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/build_options.h"
#include "cli/command_words.h"
#include "cli/subcommand.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/image/image_source.h"
#include "lib/image_build.h"
#include "lib/ramdisk_listing.h"

namespace eifkit::cli {

namespace {

struct LsOptions {
  std::string image;
  std::optional<std::string> platform, cmd, entrypoint, build_time;
  std::vector<std::string> env;
  std::string compat = "eifkit";
  std::string format = "text";
};

int run_ls(const LsOptions& o) {
  std::optional<Platform> wanted;
  if (o.platform) wanted = Platform::parse(*o.platform);
  std::unique_ptr<ImageSource> image = open_image(o.image, wanted, platform_for_arch(host_arch()));
  AppRamdiskOptions options;
  options.layout = *parse_layout(o.compat);
  options.build_time = resolve_build_time(o.build_time, std::getenv("SOURCE_DATE_EPOCH"));
  if (o.cmd) options.overrides.cmd = parse_command("--cmd", *o.cmd);
  if (o.entrypoint) options.overrides.entrypoint = parse_command("--entrypoint", *o.entrypoint);
  options.overrides.env = o.env;
  options.listing = true;
  AppRamdisk ramdisk = prepare_app_ramdisk(*image, options);
  for (const std::string& line : ramdisk.notes) std::cerr << "eifkit: note: " << line << std::endl;
  for (const std::string& line : load_time_warnings(ramdisk)) {
    std::cerr << "eifkit: warning: " << line << std::endl;
  }
  list_app_ramdisk(ramdisk, [&](const ListedEntry& e) {
    if (o.format == "jsonl") {
      std::cout << listed_entry_json(e).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace)
                << '\n';
    } else {
      std::cout << listed_entry_text(e) << '\n';
    }
  });
  std::cout << std::flush;
  return 0;
}

}  // namespace

Subcommand add_ls_command(CLI::App& parent) {
  auto o = std::make_shared<LsOptions>();
  CLI::App* app = parent.add_subcommand(
      "ls", "List the application ramdisk an image gives, in order, without building");
  app->add_option("image", o->image,
                  "docker save archive, OCI layout directory (DIR or DIR:TAG) or OCI archive")
      ->required();
  app->add_option("--platform", o->platform, "OS/ARCH[/VARIANT] to pick (default: the host's)");
  app->add_option("--compat", o->compat, "Layout: eifkit (the default) or nitro-cli")
      ->check(CLI::IsMember({"eifkit", "nitro-cli"}))
      ->capture_default_str();
  app->add_option("--cmd", o->cmd, "As build --cmd");
  app->add_option("--entrypoint", o->entrypoint, "As build --entrypoint");
  app->add_option("--env", o->env, "As build --env");
  app->add_option("--build-time", o->build_time,
                  "As build --build-time (the nitro-cli layout dates implicit parents with it)");
  app->add_option("--format", o->format,
                  "text (ls -l style) or jsonl (one JSON object per entry, with SHA-256s)")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->capture_default_str();
  return {app, [o] { return run_ls(*o); }};
}

}  // namespace eifkit::cli
