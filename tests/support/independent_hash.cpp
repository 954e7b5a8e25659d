#include "tests/support/independent_hash.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <stdexcept>

#include "tests/support/test_support.h"

extern char** environ;

namespace eifkit::test {

std::string tool_output(const std::vector<std::string>& args) {
  ScratchDir capture;
  std::string out_path = capture / "stdout", err_path = capture / "stderr";
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  auto out = read_bytes(out_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    auto err = read_bytes(err_path);
    std::string message = args[0];
    message += " failed: ";
    message.append(err.begin(), err.end());
    throw std::runtime_error(message);
  }
  return {out.begin(), out.end()};
}

namespace {

// The first word of the tool's one line of output: the digest in hex.
std::string first_word(const std::string& line, const std::string& tool) {
  std::string word = line.substr(0, line.find_first_of(" \n"));
  if (word.size() != 96) throw std::runtime_error(tool + " printed " + line);
  return word;
}

}  // namespace

std::string openssl_sha384_hex(const std::string& path) {
  // -r: "HEX *FILE", as sha384sum prints it.
  return first_word(tool_output({"openssl", "dgst", "-sha384", "-r", path}), "openssl");
}

std::string openssl_sha384_hex(std::span<const uint8_t> bytes) {
  ScratchDir dir;
  write_bytes(dir / "data", {bytes.begin(), bytes.end()});
  return openssl_sha384_hex(dir / "data");
}

std::string python_pcr_hex(const std::vector<std::string>& files) {
  std::vector<std::string> args = {"python3", "-c",
                                   "import hashlib, sys\n"
                                   "h = hashlib.sha384()\n"
                                   "for name in sys.argv[1:]:\n"
                                   "    with open(name, 'rb') as f:\n"
                                   "        h.update(f.read())\n"
                                   "print(hashlib.sha384(bytes(48) + h.digest()).hexdigest())\n"};
  args.insert(args.end(), files.begin(), files.end());
  return first_word(tool_output(args), "python3");
}

}  // namespace eifkit::test
