#include "lib/run/qemu_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

#include "formats/eif_section.h"
#include "lib/base/error.h"
#include "lib/eif/eif_extract.h"
#include "lib/run/boot_log.h"

extern char** environ;

namespace eifkit {

namespace fs = std::filesystem;

namespace {

// A scratch directory removed with its contents, success or failure.
struct TempDir {
  std::string path;
  TempDir() {
    const char* env = std::getenv("TMPDIR");
    std::string pattern = std::string(env && *env ? env : "/tmp") + "/eifkit-run-XXXXXX";
    if (!::mkdtemp(pattern.data())) fail_errno(pattern, "cannot create a temporary directory");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

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

  TempDir dir;
  std::string kernel = dir.path + "/kernel", initrd = dir.path + "/initrd";
  std::string cmdline;
  {
    File k(::open(kernel.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), kernel);
    File r(::open(initrd.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), initrd);
    if (k.fd() < 0 || r.fd() < 0) fail_errno(dir.path, "cannot write the boot files");
    for (const EifSectionInfo& s : image.sections) {
      if (s.type == static_cast<uint16_t>(SectionType::kKernel)) copy_section(image, s, k);
      // The kernel unpacks concatenated newc archives in order, as the enclave loader does.
      if (s.type == static_cast<uint16_t>(SectionType::kRamdisk)) copy_section(image, s, r);
      if (s.type == static_cast<uint16_t>(SectionType::kCmdline)) {
        std::vector<uint8_t> bytes(s.size);
        image.file.pread_exact(bytes, s.data_offset());
        cmdline.assign(bytes.begin(), bytes.end());
      }
    }
  }
  // An arm64 enclave's console is the 8250 UART of ttyS0; QEMU's virt machine has a PL011, so
  // the console is moved there (the last console= is /dev/console). The EIF is not changed.
  if (arm) cmdline += " console=ttyAMA0";
  uint64_t mem = guest_memory_mib(image, options);
  std::vector<std::string> args = {
      *qemu,        "-nodefaults", "-no-user-config",   "-display", "none", "-serial", "stdio",
      "-no-reboot", "-m",          std::to_string(mem), "-kernel",  kernel, "-initrd", initrd,
      "-append",    cmdline};
  if (arm) args.insert(args.end(), {"-M", "virt"});
  if (options.kvm) {
    args.insert(args.end(), {"-accel", "kvm", "-cpu", "host"});
  } else {
    args.insert(args.end(), {"-accel", "tcg", "-cpu", "max"});
  }

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
  int rc = ::posix_spawn(&pid, qemu->c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_guest[0]);
  ::close(from_guest[1]);
  if (rc != 0) {
    ::close(to_guest[1]);
    ::close(from_guest[0]);
    throw Error("cannot start " + *qemu);
  }

  RunResult result;
  BootLog log;
  bool stdin_open = true, guest_open = true, timed_out = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_s);
  auto next_eof = std::chrono::steady_clock::now();
  char buf[4096];
  while (guest_open) {
    pollfd fds[2] = {{from_guest[0], POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    ::poll(fds, 2, 1000);
    if (options.timeout_s && std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      timed_out = true;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(from_guest[0], buf, sizeof buf);
      if (n <= 0) {
        guest_open = false;
      } else {
        std::string_view text(buf, static_cast<size_t>(n));
        console(text);
        log.feed(text);
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n > 0) {
        (void)!::write(to_guest[1], buf, static_cast<size_t>(n));
      } else {
        stdin_open = false;
      }
    }
    if (!stdin_open && std::chrono::steady_clock::now() >= next_eof) {
      // Our input has ended: ^D tells a shell on the guest's console so too. The serial line
      // drops what arrives before the console is opened, so it is repeated each second.
      (void)!::write(to_guest[1], "\x04", 1);
      next_eof = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
  }
  ::close(to_guest[1]);
  ::close(from_guest[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  log.finish();
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
