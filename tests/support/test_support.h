// Helpers shared by the suites: vector paths, scratch directories, whole-file reads, and
// running the eifkit binary.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eifkit::test {

std::string vector_path(const std::string& relative);  // under shared/vectors
std::string testdata_path(const std::string& relative);
// NAME of every vectors/attestation/NAME.cbor, sorted.
std::vector<std::string> attestation_vector_names();

std::vector<uint8_t> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);
nlohmann::json read_json(const std::string& path);

// A fresh directory removed with everything in it when the object goes.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  // Names of the entries inside, sorted: to prove no temporary file was left behind.
  std::vector<std::string> entries() const;

 private:
  std::string path_;
};

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
  uint64_t max_rss_kb = 0;  // the child's peak resident set
  double cpu_seconds = 0;   // user + system
};

// Starts argv (argv[0] looked up in PATH when `search_path`) with environment `envp`, stdin
// from /dev/null and stdout, stderr written to the two files; the caller waits for the pid.
// Throws std::runtime_error when it cannot start.
pid_t spawn_captured(std::vector<std::string> argv_strings, char* const* envp, bool search_path,
                     const std::string& out_path, const std::string& err_path);

// Runs a program found in PATH (no shell) and returns its stdout; throws std::runtime_error
// naming the command, with its stderr, when it fails.
std::string tool_output(const std::vector<std::string>& args);

// Runs `eifkit ARGS...` (no shell), with extra environment assignments.
RunResult run_eifkit(const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {});

}  // namespace eifkit::test
