/* eifkit's enclave /init: PID 1 of an enclave (or of a plain VM running an enclave image).
 * It follows the contract every compatible init follows (RAMDISK.md): devtmpfs and console,
 * optional nsm.ko, the vsock heartbeat, /cmd and /env, the switch to /rootfs, the standard
 * mounts, fork/setsid/exec, reaping, power-off. Beyond the reference init it honours the
 * image's WORKDIR (/workdir), USER (/user, resolved at build time) and PATH (from /env), and
 * prints the application's exit status before powering off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init_config.h"

#define HEARTBEAT_CID 3
#define HEARTBEAT_PORT 9000
#define HEARTBEAT_BYTE 0xB7

static const char* const kDefaultEnv[] = {"PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL};
static const char* const kDefaultCmd[] = {"sh", NULL};

static void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "eifkit-init: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

static void power_off(void) {
  sync();
  reboot(RB_POWER_OFF);
  for (;;) pause();
}

/* PID 1 must never exit: a fatal problem powers the machine off after saying why. */
static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "eifkit-init: fatal: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  power_off();
}

static void mount_or_warn(const char* source, const char* target, const char* type,
                          unsigned long flags, const char* data) {
  mkdir(target, 0755);
  if (mount(source, target, type, flags, data) != 0 && errno != EBUSY) {
    say("cannot mount %s on %s: %s", type, target, strerror(errno));
  }
}

static void open_console(void) {
  int fd = open("/dev/console", O_RDWR | O_NOCTTY);
  if (fd < 0) return;
  dup2(fd, 0);
  dup2(fd, 1);
  dup2(fd, 2);
  if (fd > 2) close(fd);
}

static void load_nsm(void) {
  int fd = open("/nsm.ko", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return; /* kernels with the driver built in ship none */
  if (syscall(SYS_finit_module, fd, "", 0) != 0) say("cannot load nsm.ko: %s", strerror(errno));
  close(fd);
  unlink("/nsm.ko");
}

/* Tells the Nitro hypervisor the enclave booted. Without a vsock transport (a plain VM) this
 * cannot succeed: one warning, then go on, so the same image runs in tests. */
/* The kernel's struct sockaddr_vm (linux/vm_sockets.h), a fixed ABI. Declared here because
 * musl's headers do not carry the kernel's, and the init is built against musl alone. */
struct vsock_address {
  unsigned short family;
  unsigned short reserved;
  unsigned int port;
  unsigned int cid;
  unsigned char flags;
  unsigned char zero[3];
};
_Static_assert(sizeof(struct vsock_address) == 16, "struct sockaddr_vm is 16 bytes");

static void heartbeat(void) {
  int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    say("warning: no vsock (%s); skipping the enclave heartbeat", strerror(errno));
    return;
  }
  struct vsock_address addr;
  memset(&addr, 0, sizeof addr);
  addr.family = AF_VSOCK;
  addr.cid = HEARTBEAT_CID;
  addr.port = HEARTBEAT_PORT;
  unsigned char byte = HEARTBEAT_BYTE;
  if (connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || write(fd, &byte, 1) != 1 ||
      read(fd, &byte, 1) != 1 || byte != HEARTBEAT_BYTE) {
    say("warning: enclave heartbeat failed (%s); going on", strerror(errno));
  }
  close(fd);
}

/* Reads a whole small file; *len = 0 and NULL when it does not exist. */
static char* slurp(const char* path, size_t* len, int required) {
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (required) die("cannot open %s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap);
  for (;;) {
    if (!buf) die("out of memory reading %s", path);
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die("cannot read %s: %s", path, strerror(errno));
    if (r == 0) break;
    n += (size_t)r;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  close(fd);
  unlink(path);
  *len = n;
  return buf;
}

static void enter_rootfs(void) {
  if (chdir("/rootfs") != 0) die("no /rootfs: %s", strerror(errno));
  if (mount("/rootfs", "/rootfs", NULL, MS_BIND | MS_REC, NULL) != 0) {
    die("cannot bind-mount /rootfs: %s", strerror(errno));
  }
  if (chdir("/rootfs") != 0 || mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 ||
      chdir("/") != 0) {
    die("cannot switch to /rootfs: %s", strerror(errno));
  }
  mount_or_warn("dev", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL);
  mount_or_warn("proc", "/proc", "proc", MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL);
  mount_or_warn("sysfs", "/sys", "sysfs", MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL);
  mount_or_warn("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, NULL);
  mount_or_warn("shm", "/dev/shm", "tmpfs", MS_NODEV | MS_NOSUID, "mode=1777");
  mount_or_warn("tmpfs", "/run", "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755");
  mount_or_warn("tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, "mode=1777");
  mount_or_warn("cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NODEV | MS_NOSUID | MS_NOEXEC, NULL);
}

int main(void) {
  if (getpid() != 1) {
    fprintf(stderr, "eifkit-init: runs only as PID 1 of an enclave\n");
    return 2;
  }
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  mount_or_warn("dev", "/dev", "devtmpfs", MS_NOSUID | MS_NOEXEC, NULL);
  open_console();
  load_nsm();
  heartbeat();

  size_t len;
  struct string_list argv = {0}, envp = {0};
  char* data = slurp("/cmd", &len, 1);
  if (parse_lines(data, len, &argv) != 0) die("out of memory");
  free(data);
  data = slurp("/env", &len, 1);
  if (parse_lines(data, len, &envp) != 0) die("out of memory");
  free(data);
  data = slurp("/workdir", &len, 0);
  char* workdir = data ? first_line(data, len) : NULL;
  free(data);
  uid_t uid = 0;
  gid_t gid = 0;
  data = slurp("/user", &len, 0);
  if (data) {
    char* line = first_line(data, len);
    if (line && parse_user(line, &uid, &gid) != 0) die("/user: not UID:GID: %s", line);
    free(line);
    free(data);
  }
  enter_rootfs();

  char* const* args = argv.count ? argv.items : (char* const*)kDefaultCmd;
  char* const* env = envp.count ? envp.items : (char* const*)kDefaultEnv;
  pid_t child = fork();
  if (child < 0) die("fork failed: %s", strerror(errno));
  if (child == 0) {
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    setsid();
    if (workdir && chdir(workdir) != 0) {
      say("cannot enter WORKDIR %s: %s", workdir, strerror(errno));
      _exit(126);
    }
    if ((uid || gid) && (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
      say("cannot become user %u:%u: %s", (unsigned)uid, (unsigned)gid, strerror(errno));
      _exit(126);
    }
    /* execvpe searches the PATH of the environment the program will get. */
    environ = (char**)env;
    execvpe(args[0], args, (char* const*)env);
    say("cannot run %s: %s", args[0], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  for (;;) {
    int status;
    pid_t pid = wait(&status);
    if (pid < 0 && errno == EINTR) continue;
    if (pid < 0) die("wait failed: %s", strerror(errno));
    if (pid != child) continue; /* reaped an orphan */
    if (WIFEXITED(status)) {
      say("application exited with status %d", WEXITSTATUS(status));
    } else {
      say("application killed by signal %d", WTERMSIG(status));
    }
    power_off();
  }
}
