// An output file that appears under its final name only when complete: written to a temporary
// file beside the target and renamed on commit(); removed if destroyed before that.
#pragma once

#include <span>
#include <string>

#include "lib/base/file.h"

namespace eifkit {

class AtomicOutput {
 public:
  // mode: permission bits of the final file (before umask).
  explicit AtomicOutput(std::string target, unsigned mode = 0644);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  File& file() { return file_; }
  const std::string& target() const { return target_; }
  // fsyncs, closes and renames over the target.
  void commit();

 private:
  std::string target_;
  std::string temp_path_;
  File file_;
  bool committed_ = false;
};

// A small output (a key, a certificate, a JSON record) written whole, atomically.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes,
                           unsigned mode = 0644);
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace eifkit
