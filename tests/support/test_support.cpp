#include "tests/support/test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

extern char** environ;

namespace eifkit::test {

namespace fs = std::filesystem;

std::string vector_path(const std::string& relative) {
  return std::string(EIFKIT_VECTORS) + "/" + relative;
}

std::vector<std::string> attestation_vector_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(vector_path("attestation"))) {
    std::string file = e.path().filename();
    if (file.ends_with(".cbor")) names.push_back(file.substr(0, file.size() - 5));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string testdata_path(const std::string& relative) {
  return std::string(EIFKIT_TESTDATA) + "/" + relative;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "eifkit-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> ScratchDir::entries() const {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

static std::string slurp_fd(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

pid_t spawn_captured(std::vector<std::string> argv_strings, char* const* envp, bool search_path,
                     const std::string& out_path, const std::string& err_path) {
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid;
  int rc = search_path ? posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp)
                       : posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
  return pid;
}

std::string tool_output(const std::vector<std::string>& args) {
  ScratchDir capture;
  std::string out_path = capture / "stdout", err_path = capture / "stderr";
  pid_t pid = spawn_captured(args, environ, /*search_path=*/true, out_path, err_path);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string out = slurp_fd(::open(out_path.c_str(), O_RDONLY));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string message;
    for (const auto& a : args) message += a + " ";
    message += "failed: ";
    message += slurp_fd(::open(err_path.c_str(), O_RDONLY));
    throw std::runtime_error(message);
  }
  return out;
}

RunResult run_eifkit(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  ScratchDir capture;
  std::string out_path = capture / "stdout", err_path = capture / "stderr";
  std::vector<std::string> argv_strings = {EIFKIT_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    // A test controls SOURCE_DATE_EPOCH itself.
    std::string entry = *e;
    // An assignment in `env` replaces the inherited one (getenv finds the first).
    bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& given) {
      return given.substr(0, given.find('=') + 1) == entry.substr(0, entry.find('=') + 1);
    });
    if (entry.rfind("SOURCE_DATE_EPOCH=", 0) != 0 && !replaced) env_strings.push_back(entry);
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  pid_t pid = spawn_captured(argv_strings, envp.data(), /*search_path=*/false, out_path, err_path);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  RunResult r;
  r.max_rss_kb = static_cast<uint64_t>(usage.ru_maxrss);
  r.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp_fd(::open(out_path.c_str(), O_RDONLY));
  r.err = slurp_fd(::open(err_path.c_str(), O_RDONLY));
  return r;
}

}  // namespace eifkit::test
