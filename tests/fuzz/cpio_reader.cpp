// The cpio newc reader over a ramdisk's bytes, walked as `extract --list` walks it: every
// header, symlink targets read whole (bounded), other data read in pieces.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "lib/base/byte_source.h"
#include "lib/base/error.h"
#include "lib/cpio/cpio_reader.h"

namespace {

// The input, handed out in pieces of varying size to exercise the reader's buffering.
class InputSource : public eifkit::ByteSource {
 public:
  InputSource(const uint8_t* data, size_t size) : data_(data), left_(size) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = std::min({buf.size(), left_, piece_});
    if (n) std::memcpy(buf.data(), data_, n);
    data_ += n;
    left_ -= n;
    piece_ = piece_ * 3 % 4093 + 1;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t left_;
  size_t piece_ = 509;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  InputSource source(data, size);
  try {
    eifkit::CpioReader reader(source, "fuzz: ramdisk 0");
    eifkit::CpioHeader h;
    std::array<uint8_t, 4096> buf;
    bool read_next = false;
    while (reader.next(h)) {
      if ((h.mode & eifkit::kCpioTypeMask) == eifkit::kCpioSymlink) {
        (void)reader.read_small_data();
      } else if (read_next) {
        while (reader.read_data(buf) != 0) {
        }
      }
      read_next = !read_next;  // every other entry's data is skipped by next()
    }
    (void)reader.offset();
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
