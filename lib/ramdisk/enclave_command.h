// What the enclave's init runs: argv and environment from the image config (Docker's
// semantics: ENTRYPOINT then CMD) with the user's overrides, argv[0] resolved to an absolute
// path inside the flattened image because the reference init searches only a fixed PATH.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/image/fs_tree.h"

namespace eifkit {

// The runtime part of an image config ("config" in OCI and docker configs).
struct ContainerConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "KEY=VALUE"
  std::string working_dir;
  std::string user;
};

ContainerConfig container_config_from_image(const nlohmann::json& image_config);

struct CommandOverrides {
  std::optional<std::vector<std::string>> entrypoint;  // replaces ENTRYPOINT, clears CMD
  std::optional<std::vector<std::string>> cmd;
  std::vector<std::string> env;  // "KEY=VALUE", replacing the image's KEY
};

ContainerConfig apply_overrides(ContainerConfig config, const CommandOverrides& overrides);

struct EnclaveCommand {
  std::vector<std::string> argv;  // empty: the init's default shell
  std::vector<std::string> env;
  // Read by eifkit's init only (files beside cmd and env; other inits ignore them).
  std::string workdir;  // absolute; empty: "/"
  std::string user;     // numeric "UID:GID"; empty: root
};

// Refuses arguments and variables containing a newline (cmd and env are line-based) or a NUL
// (execve takes C strings), and a program that cannot be found in the image.
EnclaveCommand resolve_enclave_command(const ContainerConfig& config, const FsNode& root);

// One entry per line, each terminated by "\n": the contents of /cmd and /env.
std::string lines_file(const std::vector<std::string>& entries);

}  // namespace eifkit
