#include "lib/ramdisk/enclave_command.h"

#include "formats/tar_path.h"
#include "lib/base/error.h"

namespace eifkit {

// Docker's PATH when an image sets none.
static constexpr const char* kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// "/" + path, built without operator+(const char*, string&&), which GCC 12 at -O3 flags with a
// false -Wrestrict.
static std::string rooted(const std::string& relative) {
  std::string out;
  out.reserve(relative.size() + 1);
  out += '/';
  out += relative;
  return out;
}

static std::vector<std::string> string_list(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) throw Error(std::string("image config: ") + key + " is not a list");
  for (const auto& v : *it) {
    if (!v.is_string()) throw Error(std::string("image config: ") + key + " holds a non-string");
    out.push_back(v.get<std::string>());
  }
  return out;
}

ContainerConfig container_config_from_image(const nlohmann::json& image_config) {
  ContainerConfig c;
  auto it = image_config.find("config");
  if (it == image_config.end() || !it->is_object()) return c;
  const nlohmann::json& j = *it;
  c.entrypoint = string_list(j, "Entrypoint");
  c.cmd = string_list(j, "Cmd");
  c.env = string_list(j, "Env");
  if (auto w = j.find("WorkingDir"); w != j.end() && w->is_string()) c.working_dir = *w;
  if (auto u = j.find("User"); u != j.end() && u->is_string()) c.user = *u;
  return c;
}

static std::string env_key(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

ContainerConfig apply_overrides(ContainerConfig config, const CommandOverrides& o) {
  if (o.entrypoint) {
    config.entrypoint = *o.entrypoint;
    config.cmd.clear();  // as `docker run --entrypoint` does
  }
  if (o.cmd) config.cmd = *o.cmd;
  for (const std::string& entry : o.env) {
    if (entry.find('=') == std::string::npos || entry.front() == '=') {
      throw Error("--env: '" + entry + "' is not KEY=VALUE");
    }
    bool replaced = false;
    for (std::string& existing : config.env) {
      if (env_key(existing) == env_key(entry)) {
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) config.env.push_back(entry);
  }
  return config;
}

static void refuse_newlines(const std::vector<std::string>& entries, const char* what) {
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].find('\n') != std::string::npos) {
      throw Error(std::string(what) + " " + std::to_string(i + 1) +
                  " contains a newline, which the enclave's line-based /cmd and /env cannot "
                  "carry: '" +
                  entries[i].substr(0, entries[i].find('\n')) + "…'");
    }
    // execve takes C strings: the init would silently cut the entry at the NUL.
    if (entries[i].find('\0') != std::string::npos) {
      throw Error(std::string(what) + " " + std::to_string(i + 1) +
                  " contains a NUL byte, which no program's arguments or environment can "
                  "carry: '" +
                  entries[i].substr(0, entries[i].find('\0')) + "…'");
    }
  }
}

static bool is_executable_file(const FsNode* node) {
  return node && node->inode->type == TarEntry::Type::kFile && (node->inode->mode & 0111);
}

EnclaveCommand resolve_enclave_command(const ContainerConfig& config, const FsNode& root) {
  EnclaveCommand out;
  out.argv = config.entrypoint;
  out.argv.insert(out.argv.end(), config.cmd.begin(), config.cmd.end());
  out.env = config.env;
  refuse_newlines(out.argv, "command argument");
  refuse_newlines(out.env, "environment variable");
  refuse_newlines({config.working_dir}, "WorkingDir");
  if (!config.working_dir.empty()) {
    auto clean = clean_tar_path(config.working_dir);
    if (!clean) throw Error("WorkingDir " + config.working_dir + " leaves the image root");
    out.workdir = rooted(join_path(*clean));
  }
  // With no ENTRYPOINT or CMD the init would run `sh`: resolve it now, like any command, so an
  // image without a shell fails here rather than at boot.
  const bool default_shell = out.argv.empty();
  if (default_shell) out.argv = {"sh"};

  std::string& program = out.argv[0];
  if (program.empty()) throw Error("command: the program name is empty");
  if (program.find('/') != std::string::npos) {
    if (program[0] != '/') {
      std::string dir = config.working_dir.empty() ? "/" : config.working_dir;
      auto clean = clean_tar_path(dir + "/" + program);
      if (!clean) throw Error("command: " + program + " leaves the image root from " + dir);
      program = rooted(join_path(*clean));
    }
    if (!is_executable_file(resolve_in_tree(root, program))) {
      throw Error("command: " + program + " is not an executable file in the image");
    }
    return out;
  }
  std::string path = kDefaultPath;
  for (const std::string& entry : out.env) {
    if (env_key(entry) == "PATH") path = entry.substr(5);
  }
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t colon = path.find(':', pos);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(pos, colon - pos);
    pos = colon + 1;
    if (dir.empty() || dir[0] != '/') continue;  // relative PATH entries mean nothing here
    std::string candidate = (dir.back() == '/' ? dir : dir + "/") + program;
    if (is_executable_file(resolve_in_tree(root, candidate))) {
      program = candidate;
      return out;
    }
  }
  if (default_shell) {
    throw Error(
        "the image has no ENTRYPOINT or CMD (and no --cmd was given), so the enclave "
        "would run sh, which is not in the image's PATH (" +
        path + "): give --cmd");
  }
  throw Error("command: " + program + " not found in the image's PATH (" + path + ")");
}

std::string lines_file(const std::vector<std::string>& entries) {
  std::string out;
  for (const std::string& e : entries) out += e + "\n";
  return out;
}

}  // namespace eifkit
