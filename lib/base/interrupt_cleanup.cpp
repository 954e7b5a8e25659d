#include "lib/base/interrupt_cleanup.h"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace eifkit {

namespace {

// The handler may only touch what is async-signal-safe: a fixed table of fixed buffers, each
// published by an atomic flag once its path is complete.
constexpr int kSlots = 64;
struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> ready{false};
  char path[PATH_MAX];
};
Slot slots[kSlots];

extern "C" void remove_temporaries_and_exit(int sig) {
  for (Slot& s : slots) {
    if (s.ready.load()) ::unlink(s.path);
  }
  ::_exit(128 + sig);
}

}  // namespace

void install_interrupt_cleanup() {
  struct sigaction action {};
  action.sa_handler = remove_temporaries_and_exit;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&action.sa_mask, sig);
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    // A signal ignored by whoever started us (nohup) stays ignored.
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    ::sigaction(sig, &action, nullptr);
  }
}

InterruptCleanup::InterruptCleanup(const std::string& path) {
  if (path.size() >= PATH_MAX) return;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (slots[i].used.compare_exchange_strong(expected, true)) {
      std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
      slots[i].ready.store(true);
      slot_ = i;
      return;
    }
  }
}

void InterruptCleanup::release() {
  if (slot_ < 0) return;
  slots[slot_].ready.store(false);
  slots[slot_].used.store(false);
  slot_ = -1;
}

}  // namespace eifkit
