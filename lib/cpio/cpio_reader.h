// Walks the entries of a cpio newc archive (a ramdisk section), reading each entry's data in
// pieces. Nothing is held whole. Stops at the first TRAILER!!!: what follows it (padding, or
// further archives the kernel would also unpack) is not read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "formats/cpio_newc.h"
#include "lib/base/byte_source.h"

namespace eifkit {

class CpioReader {
 public:
  // `name` prefixes every error message, e.g. "app.eif: ramdisk 1".
  CpioReader(ByteSource& in, std::string name);
  CpioReader(const CpioReader&) = delete;
  CpioReader& operator=(const CpioReader&) = delete;

  // Advances to the next entry (skipping unread data); false at the trailer. A stream that
  // ends before the trailer, or a malformed header, is an Error.
  bool next(CpioHeader& entry);
  // Reads the current entry's data; 0 at its end.
  size_t read_data(std::span<uint8_t> buf);
  // The current entry's whole data, refused when over max_bytes: for symlink targets.
  std::string read_small_data(uint32_t max_bytes = kCpioMaxNameSize);

  // Bytes consumed from the source so far.
  uint64_t offset() const { return offset_; }

 private:
  // Fills buf unless the source ends first; returns the bytes read.
  size_t read_full(std::span<uint8_t> buf);
  void skip(uint64_t n, const char* what);
  [[noreturn]] void fail_at(uint64_t offset, const std::string& what) const;

  ByteSource& in_;
  std::string name_;
  uint64_t offset_ = 0;
  std::string entry_name_;
  uint64_t data_left_ = 0;
  size_t padding_left_ = 0;  // after the current entry's data
  bool done_ = false;
};

}  // namespace eifkit
