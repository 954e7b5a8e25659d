// An anonymous temporary file (unlinked from the start, so nothing is left behind even on a
// crash) that file contents are appended to and read back from by offset.
#pragma once

#include <cstdint>
#include <span>

#include "lib/base/file.h"

namespace eifkit {

class SpoolFile {
 public:
  SpoolFile();  // in $TMPDIR, else /tmp
  uint64_t size() const { return size_; }
  void append(std::span<const uint8_t> data);
  // Before appending `bytes` more: an Error naming the directory when its filesystem has not
  // that much free, so a big image fails at once rather than after filling the disk.
  void reserve(uint64_t bytes);
  void read_at(std::span<uint8_t> buf, uint64_t offset) { file_.pread_exact(buf, offset); }
  File& file() { return file_; }

 private:
  File file_;
  uint64_t size_ = 0;
  // Free space is asked again only once half of what was free last time has been used.
  uint64_t checked_until_ = 0;
};

}  // namespace eifkit
