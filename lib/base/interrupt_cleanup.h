// Temporary files that must not outlive an interrupted command. SIGINT, SIGTERM and SIGHUP
// (what a terminal, a CI cancel or a closed session sends) remove every registered file and
// end the process with 128 + the signal's number, as a shell reports it.
#pragma once

#include <string>

namespace eifkit {

// Installs the handlers; the CLI calls it once at start.
void install_interrupt_cleanup();

// A registration that lasts as long as the object: the path is removed on a signal until
// release() or destruction. Paths longer than PATH_MAX or beyond the table's size are not
// registered (the file is still removed by its owner on every ordinary exit).
class InterruptCleanup {
 public:
  explicit InterruptCleanup(const std::string& path);
  InterruptCleanup(const InterruptCleanup&) = delete;
  InterruptCleanup& operator=(const InterruptCleanup&) = delete;
  ~InterruptCleanup() { release(); }
  void release();

 private:
  int slot_ = -1;
};

}  // namespace eifkit
