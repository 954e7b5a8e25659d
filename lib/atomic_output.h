// An output file that appears under its final name only when complete: written to a temporary
// file beside the target and renamed on commit(); removed if destroyed before that.
#pragma once

#include <string>

#include "lib/file.h"

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

}  // namespace eifkit
