// What nitro-cli writes into the application ramdisk's /cmd and /env: the image's CMD if it
// has one, else its ENTRYPOINT (never both, unlike Docker); ENV verbatim; WORKDIR and USER
// ignored. The user's --cmd, --entrypoint and --env change those files as they would change
// `docker run`, and every such change is noted, since it moves PCR2 away from nitro-cli's.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/ramdisk/enclave_command.h"

namespace eifkit {

struct NitroCliCommand {
  std::vector<std::string> cmd;  // one argument per line of /cmd
  std::vector<std::string> env;  // one KEY=VALUE per line of /env
  // One line each: what the overrides changed, or what nitro-cli would do that surprises
  // (an argument with a newline becomes two lines of /cmd).
  std::vector<std::string> notes;
};

// `source` names the image in the refusal of one with neither CMD nor ENTRYPOINT.
NitroCliCommand nitro_cli_command(const nlohmann::json& image_config,
                                  const CommandOverrides& overrides, const std::string& source);

}  // namespace eifkit
