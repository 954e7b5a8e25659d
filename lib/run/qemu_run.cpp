#include "lib/run/qemu_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <vector>

#include "formats/eif_section.h"
#include "lib/base/error.h"
#include "lib/base/spool_file.h"
#include "lib/eif/eif_extract.h"
#include "lib/run/boot_log.h"

extern char** environ;

namespace eifkit {

namespace {

std::optional<std::string> find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) == 0) return program;
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t pos = 0;
  while (pos <= dirs.size()) {
    size_t colon = dirs.find(':', pos);
    if (colon == std::string::npos) colon = dirs.size();
    std::string candidate = dirs.substr(pos, colon - pos) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    pos = colon + 1;
  }
  return std::nullopt;
}

}  // namespace

uint64_t guest_memory_mib(const EifImage& image, const RunOptions& options) {
  return options.memory_mib ? options.memory_mib : image.header.default_mem >> 20;
}

uint64_t recommended_memory_mib(const EifImage& image) {
  return (4 * image.file_size + (1 << 20) - 1) >> 20;
}

namespace {

// How a boot that did not report the application's status ended, most telling cause first:
// a failed unpack explains the init's error, which explains the panic.
std::string why_not_run(const BootLog& log, const std::string& qemu, int qemu_status,
                        uint64_t memory_mib, uint64_t recommended_mib) {
  std::string memory_hint;
  if (memory_mib < recommended_mib) {
    memory_hint = " (" + std::to_string(memory_mib) + " MiB of guest memory; give --memory " +
                  std::to_string(recommended_mib) + " or more)";
  }
  if (!log.unpack_failure.empty()) {
    return "the kernel could not unpack the ramdisks: " + log.unpack_failure + memory_hint;
  }
  if (!log.init_fatal.empty()) return "the init failed: " + log.init_fatal + memory_hint;
  if (!log.panic.empty()) return "the kernel panicked: " + log.panic + memory_hint;
  if (qemu_status != 0) {
    return qemu + " failed (exit status " + std::to_string(qemu_status) + ")" +
           (log.last_line.empty() ? "" : ": " + log.last_line) + memory_hint;
  }
  return "the console ended without eifkit-init's status line (images with another init, such "
         "as nitro-cli's, do not report one)" +
         memory_hint;
}

}  // namespace

namespace {

// QEMU's -kernel and -initrd are files, so the EIF's sections are copied out: into anonymous
// files (unlinked from the start, lib/base/spool_file.h), so that no exit, Ctrl-C and SIGTERM
// included, leaves a copy behind. QEMU opens them by /proc/self/fd/N, inherited.
struct GuestBoot {
  SpoolFile kernel, initrd;
  std::string cmdline;
};

void extract_guest_boot(EifImage& image, bool arm, GuestBoot& boot) {
  for (const EifSectionInfo& s : image.sections) {
    if (s.type == static_cast<uint16_t>(SectionType::kKernel)) {
      copy_section(image, s, boot.kernel.file());
    }
    // The kernel unpacks concatenated newc archives in order, as the enclave loader does.
    if (s.type == static_cast<uint16_t>(SectionType::kRamdisk)) {
      copy_section(image, s, boot.initrd.file());
    }
    if (s.type == static_cast<uint16_t>(SectionType::kCmdline)) {
      std::vector<uint8_t> bytes(s.size);
      image.file.pread_exact(bytes, s.data_offset());
      boot.cmdline.assign(bytes.begin(), bytes.end());
    }
  }
  // An arm64 enclave's console is the 8250 UART of ttyS0; QEMU's virt machine has a PL011, so
  // the console is moved there (the last console= is /dev/console). The EIF is not changed.
  if (arm) boot.cmdline += " console=ttyAMA0";
}

// A descriptor QEMU inherits (the spool files are close-on-exec), closed when done.
struct InheritedFd {
  int fd;
  explicit InheritedFd(const File& f) : fd(::fcntl(f.fd(), F_DUPFD, 3)) {
    if (fd < 0) fail_errno(f.path(), "cannot pass to QEMU");
  }
  InheritedFd(const InheritedFd&) = delete;
  InheritedFd& operator=(const InheritedFd&) = delete;
  ~InheritedFd() { ::close(fd); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd); }
};

std::vector<std::string> qemu_arguments(const std::string& qemu, bool arm, uint64_t mem,
                                        const std::string& kernel, const std::string& initrd,
                                        const std::string& cmdline, bool kvm) {
  std::vector<std::string> args = {
      qemu,         "-nodefaults", "-no-user-config",   "-display", "none", "-serial", "stdio",
      "-no-reboot", "-m",          std::to_string(mem), "-kernel",  kernel, "-initrd", initrd,
      "-append",    cmdline};
  if (arm) args.insert(args.end(), {"-M", "virt"});
  if (kvm) {
    args.insert(args.end(), {"-accel", "kvm", "-cpu", "host"});
  } else {
    args.insert(args.end(), {"-accel", "tcg", "-cpu", "max"});
  }
  return args;
}

// QEMU with its console on pipes: `to_guest` is its stdin, `from_guest` its stdout and
// stderr. The parent's ends are returned in `to_guest_w` and `from_guest_r`.
pid_t start_qemu(std::vector<std::string> args, int& to_guest_w, int& from_guest_r) {
  int to_guest[2], from_guest[2];
  if (::pipe2(to_guest, O_CLOEXEC) != 0 || ::pipe2(from_guest, O_CLOEXEC) != 0) {
    throw Error("cannot create pipes for QEMU");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_guest[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_guest[1], 1);
  posix_spawn_file_actions_adddup2(&actions, from_guest[1], 2);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = ::posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_guest[0]);
  ::close(from_guest[1]);
  if (rc != 0) {
    ::close(to_guest[1]);
    ::close(from_guest[0]);
    throw Error("cannot start " + args[0]);
  }
  to_guest_w = to_guest[1];
  from_guest_r = from_guest[0];
  return pid;
}

// Streams the guest's console to `console` and `log`, and our stdin to the guest, until the
// console closes; true when the timeout stopped it first (QEMU is then killed).
bool relay_console(pid_t pid, int to_guest, int from_guest, unsigned timeout_s,
                   const std::function<void(std::string_view)>& console, BootLog& log) {
  bool stdin_open = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  auto next_eof = std::chrono::steady_clock::now();
  char buf[4096];
  for (;;) {
    pollfd fds[2] = {{from_guest, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    ::poll(fds, 2, 1000);
    if (timeout_s && std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      return true;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(from_guest, buf, sizeof buf);
      if (n <= 0) return false;
      std::string_view text(buf, static_cast<size_t>(n));
      console(text);
      log.feed(text);
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n > 0) {
        (void)!::write(to_guest, buf, static_cast<size_t>(n));
      } else {
        stdin_open = false;
      }
    }
    if (!stdin_open && std::chrono::steady_clock::now() >= next_eof) {
      // Our input has ended: ^D tells a shell on the guest's console so too. The serial line
      // drops what arrives before the console is opened, so it is repeated each second.
      (void)!::write(to_guest, "\x04", 1);
      next_eof = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
  }
}

}  // namespace

RunResult run_eif_in_qemu(EifImage& image, const RunOptions& options,
                          const std::function<void(std::string_view)>& console) {
  const bool arm = header_arch(image.header) == Arch::kAarch64;
  std::string qemu_name =
      options.qemu.empty() ? (arm ? "qemu-system-aarch64" : "qemu-system-x86_64") : options.qemu;
  auto qemu = find_in_path(qemu_name);
  if (!qemu) {
    throw Error(qemu_name + " not found: install Debian's " +
                (arm ? "qemu-system-arm" : "qemu-system-x86") + " to run enclave images");
  }

  GuestBoot boot;
  extract_guest_boot(image, arm, boot);
  uint64_t mem = guest_memory_mib(image, options);
  int to_guest = -1, from_guest = -1;
  pid_t pid;
  {
    InheritedFd kernel(boot.kernel.file()), initrd(boot.initrd.file());
    pid = start_qemu(
        qemu_arguments(*qemu, arm, mem, kernel.path(), initrd.path(), boot.cmdline, options.kvm),
        to_guest, from_guest);
  }
  BootLog log;
  bool timed_out = relay_console(pid, to_guest, from_guest, options.timeout_s, console, log);
  ::close(to_guest);
  ::close(from_guest);
  int status = 0;
  ::waitpid(pid, &status, 0);
  log.finish();

  RunResult result;
  if (timed_out) {
    result.end = RunEnd::kTimedOut;
    result.problem = "still running after " + std::to_string(options.timeout_s) + " s; stopped";
  } else if (log.exit_status) {
    result.end = RunEnd::kReported;
    result.exit_status = *log.exit_status;
  } else {
    int qemu_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.problem = why_not_run(log, *qemu, qemu_status, mem, recommended_memory_mib(image));
  }
  return result;
}

}  // namespace eifkit
