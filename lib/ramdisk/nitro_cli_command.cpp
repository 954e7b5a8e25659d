#include "lib/ramdisk/nitro_cli_command.h"

#include "lib/base/error.h"

namespace eifkit {

static std::string quoted_list(const std::vector<std::string>& words) {
  return nlohmann::json(words).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

NitroCliCommand nitro_cli_command(const nlohmann::json& image_config,
                                  const CommandOverrides& overrides, const std::string& source) {
  ContainerConfig image = container_config_from_image(image_config);
  NitroCliCommand out;
  if (!image.cmd.empty()) {
    out.cmd = image.cmd;
  } else if (!image.entrypoint.empty()) {
    out.cmd = image.entrypoint;
  }
  if (overrides.entrypoint || overrides.cmd) {
    // What `docker run [--entrypoint E] IMAGE [C]` runs: the user named the command.
    std::vector<std::string> command;
    if (overrides.entrypoint) command = *overrides.entrypoint;
    if (overrides.cmd) command.insert(command.end(), overrides.cmd->begin(), overrides.cmd->end());
    const char* from = overrides.entrypoint && overrides.cmd ? "--entrypoint and --cmd"
                       : overrides.entrypoint                ? "--entrypoint"
                                                             : "--cmd";
    std::string note = "/cmd is ";
    note += quoted_list(command);
    note += " from ";
    note += from;
    note += ", not the image's ";
    note += quoted_list(out.cmd);
    note += ": PCR2 is not the one nitro-cli gives this image";
    out.notes.push_back(std::move(note));
    out.cmd = std::move(command);
  }
  if (out.cmd.empty()) {
    throw Error(source +
                ": the image has neither Cmd nor Entrypoint, which nitro-cli refuses (give --cmd)");
  }
  if (!overrides.env.empty()) {
    out.env = apply_overrides(image, {std::nullopt, std::nullopt, overrides.env}).env;
    out.notes.push_back("/env has " + std::to_string(overrides.env.size()) + " --env entr" +
                        (overrides.env.size() == 1 ? "y" : "ies") +
                        ": PCR2 is not the one nitro-cli gives this image");
  } else {
    out.env = image.env;
  }
  for (const auto* list : {&out.cmd, &out.env}) {
    for (const std::string& line : *list) {
      if (line.find('\n') != std::string::npos) {
        // Appended piece by piece: GCC 12 -O3 flags "'" + std::string&& with a false
        // -Wrestrict.
        std::string note = "'";
        note += line.substr(0, line.find('\n'));
        note +=
            "…' holds a newline: nitro-cli writes it as it is, so the enclave's init "
            "reads it as two lines";
        out.notes.push_back(std::move(note));
      }
    }
  }
  return out;
}

}  // namespace eifkit
