#include "lib/cpio/cpio_reader.h"

#include <algorithm>
#include <array>

#include "lib/base/error.h"

namespace eifkit {

CpioReader::CpioReader(ByteSource& in, std::string name) : in_(in), name_(std::move(name)) {}

void CpioReader::fail_at(uint64_t offset, const std::string& what) const {
  fail(name_, "at offset " + std::to_string(offset) + ": " + what);
}

size_t CpioReader::read_full(std::span<uint8_t> buf) {
  size_t done = 0;
  while (done < buf.size()) {
    size_t n = in_.read(buf.subspan(done));
    if (n == 0) break;
    done += n;
    offset_ += n;
  }
  return done;
}

void CpioReader::skip(uint64_t n, const char* what) {
  std::array<uint8_t, 4096> scratch;
  while (n > 0) {
    auto k = static_cast<size_t>(std::min<uint64_t>(n, scratch.size()));
    if (read_full(std::span(scratch).first(k)) < k) {
      fail_at(offset_, std::string("archive ends inside ") + what + " of entry " + entry_name_);
    }
    n -= k;
  }
}

bool CpioReader::next(CpioHeader& entry) {
  if (done_) return false;
  skip(data_left_, "the data");
  data_left_ = 0;
  skip(padding_left_, "the padding");
  padding_left_ = 0;
  entry_name_.clear();

  const uint64_t start = offset_;
  std::array<uint8_t, kCpioHeaderSize> fixed_bytes;
  size_t got = read_full(fixed_bytes);
  if (got == 0) fail_at(start, "archive ends without a TRAILER!!! entry");
  if (got < fixed_bytes.size()) fail_at(start, "archive ends inside a cpio header");

  CpioFixedPart fixed;
  if (auto problem = decode_cpio_fixed_part(fixed_bytes, fixed)) fail_at(start, *problem);
  std::vector<uint8_t> name_bytes(fixed.name_size + cpio_name_padding(fixed.name_size));
  if (read_full(name_bytes) < name_bytes.size()) {
    fail_at(start, "archive ends inside a cpio header");
  }
  if (auto problem = decode_cpio_name(std::span(name_bytes).first(fixed.name_size), fixed.header)) {
    fail_at(start, *problem);
  }
  if (is_cpio_trailer(fixed.header)) {
    done_ = true;
    return false;
  }
  entry = std::move(fixed.header);
  entry_name_ = entry.name;
  data_left_ = entry.filesize;
  padding_left_ = cpio_data_padding(entry.filesize);
  return true;
}

size_t CpioReader::read_data(std::span<uint8_t> buf) {
  if (data_left_ == 0 || buf.empty()) return 0;
  auto want = static_cast<size_t>(std::min<uint64_t>(buf.size(), data_left_));
  size_t n = in_.read(buf.first(want));
  if (n == 0) fail_at(offset_, "archive ends inside the data of entry " + entry_name_);
  offset_ += n;
  data_left_ -= n;
  return n;
}

std::string CpioReader::read_small_data(uint32_t max_bytes) {
  if (data_left_ > max_bytes) {
    fail_at(offset_, "entry " + entry_name_ + " has " + std::to_string(data_left_) +
                         " data bytes (at most " + std::to_string(max_bytes) + " expected)");
  }
  std::string out(static_cast<size_t>(data_left_), '\0');
  std::span<uint8_t> buf(reinterpret_cast<uint8_t*>(out.data()), out.size());
  if (read_full(buf) < buf.size()) {
    fail_at(offset_, "archive ends inside the data of entry " + entry_name_);
  }
  data_left_ = 0;
  return out;
}

}  // namespace eifkit
