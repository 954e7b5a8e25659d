#include "cli/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>

namespace eifkit::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kRedraw = std::chrono::milliseconds(100);  // at most 10 lines a second
constexpr auto kPlainEvery = std::chrono::seconds(5);

std::string human(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

std::string clock_text(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

// "reading layers 312.0 MiB / 1.0 GiB 30% 150.2 MiB/s ETA 0:05"
std::string describe(const Progress::State& s, double seconds) {
  std::string line = s.phase + " " + human(static_cast<double>(s.done));
  double rate = seconds > 0.05 ? static_cast<double>(s.done) / seconds : 0;
  if (s.total > 0) {
    // A total may be an estimate; the count never shows more than it until the phase ends.
    uint64_t done = std::min(s.done, s.total);
    int percent =
        static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(s.total));
    line += " / " + human(static_cast<double>(s.total)) + " " + std::to_string(percent) + "%";
    if (rate > 0) {
      line +=
          " " + human(rate) + "/s ETA " + clock_text(static_cast<double>(s.total - done) / rate);
    }
  } else if (rate > 0) {
    line += " " + human(rate) + "/s";
  }
  return line;
}

void write_stderr(const std::string& text) {
  // Straight to the descriptor: the command's own messages go through std::cerr on the
  // main thread, and this runs on another.
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // a closed stderr is no reason to fail the build
    p += n;
    left -= static_cast<size_t>(n);
  }
}

size_t terminal_columns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

ProgressMode resolve(ProgressMode mode) {
  if (mode != ProgressMode::kAuto) return mode;
  const char* term = std::getenv("TERM");
  bool dumb = term && std::strcmp(term, "dumb") == 0;
  return ::isatty(STDERR_FILENO) && !dumb ? ProgressMode::kTty : ProgressMode::kNone;
}

}  // namespace

CLI::Option* add_progress_option(CLI::App* app, ProgressMode& mode) {
  static const std::map<std::string, ProgressMode> kModes = {{"none", ProgressMode::kNone},
                                                             {"auto", ProgressMode::kAuto},
                                                             {"tty", ProgressMode::kTty},
                                                             {"plain", ProgressMode::kPlain}};
  return app
      ->add_option("--progress", mode,
                   "Progress on stderr: auto (a live line on a terminal, else nothing), tty, "
                   "plain (a line every 10% and 5 s, for logs) or none")
      // CLI11 would print the map ({auto->1,...}); users need the four words.
      ->transform(CLI::CheckedTransformer(kModes).description(""))
      ->type_name("{auto,tty,plain,none}")
      ->default_str("auto");
}

ProgressDisplay::ProgressDisplay(ProgressMode mode, std::string command)
    : mode_(resolve(mode)), command_(std::move(command)), start_(Clock::now()) {
  if (mode_ == ProgressMode::kPlain) {
    progress_.on_begin = [this](const std::string& phase, uint64_t total) {
      write_stderr(command_ + ": " + phase +
                   (total ? " (" + human(static_cast<double>(total)) + ")" : "") + "\n");
    };
  }
  if (mode_ != ProgressMode::kNone) thread_ = std::thread([this] { run(); });
}

ProgressDisplay::~ProgressDisplay() {
  stop();
}

void ProgressDisplay::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressDisplay::finish() {
  if (finished_) return;
  finished_ = true;
  stop();
  // Only a finished command says so: when one fails, its error is the last line.
  if (mode_ == ProgressMode::kPlain) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "done in %.1f s\n",
                  std::chrono::duration<double>(Clock::now() - start_).count());
    write_stderr(command_ + ": " + buf);
  }
}

void ProgressDisplay::run() {
  Clock::time_point phase_start = start_, last_plain = start_;
  uint64_t phase = 0, last_plain_done = 0;
  std::string shown;  // the live line as last drawn
  const std::string prefix = command_ + ": ";
  for (;;) {
    bool last;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kRedraw, [this] { return stopping_; });
      last = stopping_;
    }
    Progress::State s = progress_.state();
    Clock::time_point now = Clock::now();
    if (s.number != phase) {
      phase = s.number;
      phase_start = last_plain = now;
      last_plain_done = 0;
    }
    double seconds = std::chrono::duration<double>(now - phase_start).count();
    if (mode_ == ProgressMode::kPlain) {
      if (last) return;
      // Both conditions: whichever of "10 % more" and "5 s later" comes later.
      bool tenth = s.total > 0 && (s.done - last_plain_done) * 10 >= s.total;
      if (phase != 0 && tenth && now - last_plain >= kPlainEvery) {
        write_stderr(prefix + describe(s, seconds) + "\n");
        last_plain = now;
        last_plain_done = s.done;
      }
      continue;
    }
    if (last) {
      if (!shown.empty()) write_stderr("\r\033[K");
      return;
    }
    if (phase == 0) continue;
    std::string line = prefix + describe(s, seconds);
    size_t width = terminal_columns();
    if (line.size() >= width) line.resize(width - 1);  // a wrapped line cannot be redrawn
    if (line != shown) {
      write_stderr("\r" + line + "\033[K");
      shown = line;
    }
  }
}

}  // namespace eifkit::cli
