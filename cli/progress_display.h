// Draws a command's Progress on stderr, never on stdout (which carries only JSON).
//   tty:   one live line, redrawn at most 10 times a second, cleared when the command ends;
//   plain: for logs, a line when a phase begins, then one each time both 10 % more is done
//          and 5 seconds have passed since the last, and a last line with the total time;
//   none:  nothing;
//   auto:  tty when stderr is a terminal (and TERM is not "dumb"), else none.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "lib/base/progress.h"

namespace eifkit::cli {

enum class ProgressMode { kNone, kAuto, kTty, kPlain };

// --progress=none|auto|tty|plain on `app`, default auto.
CLI::Option* add_progress_option(CLI::App* app, ProgressMode& mode);

class ProgressDisplay {
 public:
  // `command` names the line: "eifkit build: ...".
  ProgressDisplay(ProgressMode mode, std::string command);
  ~ProgressDisplay();  // stops drawing and clears the live line, also when unwinding
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // What lib/ counts into; null when nothing is drawn.
  Progress* progress() { return mode_ == ProgressMode::kNone ? nullptr : &progress_; }
  // The work is done: clear the live line (tty) or print the last line (plain). Call before
  // printing the result, so that nothing is drawn over it.
  void finish();

 private:
  void run();
  void stop();

  ProgressMode mode_;
  std::string command_;
  Progress progress_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace eifkit::cli
