#include "lib/run/boot_log.h"

#include <utility>

namespace eifkit {

namespace {

// Where a printk timestamp "[    1.234567] " starts inside `line`, if anywhere but the start.
size_t kernel_message_start(std::string_view line) {
  for (size_t at = line.find('[', 1); at != std::string_view::npos; at = line.find('[', at + 1)) {
    size_t i = at + 1;
    while (i < line.size() && line[i] == ' ') ++i;
    size_t digits = i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == digits || i >= line.size() || line[i] != '.') continue;
    size_t fraction = ++i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
    if (i > fraction && i < line.size() && line[i] == ']') return at;
  }
  return std::string_view::npos;
}

std::string_view trim_end(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// The text from `needle` to the end of the line, when the line has it.
std::string from(std::string_view line, std::string_view needle) {
  size_t at = line.find(needle);
  return at == std::string_view::npos ? std::string() : std::string(trim_end(line.substr(at)));
}

}  // namespace

std::optional<int> parse_exit_status_line(std::string_view line) {
  static constexpr std::string_view kPrefix = "eifkit-init: application exited with status ";
  size_t at = line.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  size_t i = at + kPrefix.size();
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return std::nullopt;
  int status = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9' && status < 1000; ++i)
    status = status * 10 + (line[i] - '0');
  return status;
}

void BootLog::judge(std::string_view line) {
  line = trim_end(line);
  if (line.empty()) return;
  last_line = line;
  if (auto status = parse_exit_status_line(line)) exit_status = status;
  if (panic.empty()) panic = from(line, "Kernel panic - not syncing:");
  if (unpack_failure.empty()) unpack_failure = from(line, "Initramfs unpacking failed:");
  if (init_fatal.empty()) init_fatal = from(line, "eifkit-init: fatal:");
}

void BootLog::end_line() {
  std::string_view line = line_;
  size_t kernel = kernel_message_start(line);
  if (kernel == std::string_view::npos && kernel_message_start(" " + line_) == 1) {
    judge(line);  // a kernel line between the parts of a split one: they are rejoined after it
  } else if (kernel == std::string_view::npos) {
    judge(carried_ + line_);
    carried_.clear();
  } else {
    // "app text[    2.1] kernel message": the application's text goes on after the message.
    if (carried_.size() < 4096) carried_ += line.substr(0, kernel);
    judge(line.substr(kernel));
  }
  line_.clear();
}

void BootLog::feed(std::string_view text) {
  for (char c : text) {
    if (c == '\n') {
      end_line();
    } else if (line_.size() < 4096) {
      line_.push_back(c);
    }
  }
}

void BootLog::finish() {
  if (!line_.empty()) end_line();
  if (!carried_.empty()) judge(std::exchange(carried_, std::string()));
}

}  // namespace eifkit
