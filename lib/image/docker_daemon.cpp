#include "lib/image/docker_daemon.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "lib/base/error.h"

extern char** environ;

namespace eifkit {

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) fail_errno("docker save", "cannot create a pipe");
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_write() {
    ::close(fd[1]);
    fd[1] = -1;
  }
};

// At most this much of docker's stderr is kept for the message.
constexpr size_t kMaxComplaint = 4096;

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

SavedImage docker_save(const std::string& ref) {
  SavedImage saved;
  saved.path = "/proc/self/fd/" + std::to_string(saved.file.file().fd());
  Pipe err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, saved.file.file().fd(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  std::vector<char*> argv = {const_cast<char*>("docker"), const_cast<char*>("save"),
                             const_cast<char*>(ref.c_str()), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, "docker", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw Error(ref + ": not an image file or OCI layout, and no Docker to ask for it (docker: " +
                std::strerror(rc) + ")");
  }
  err.close_write();
  std::string complaint;
  char buf[512];
  for (ssize_t n; (n = ::read(err.fd[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (complaint.size() < kMaxComplaint) complaint.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string why = first_line(complaint);
    throw Error(ref + ": not an image file or OCI layout, and `docker save " + ref + "` failed" +
                (why.empty() ? "" : ": " + why));
  }
  return saved;
}

}  // namespace eifkit
