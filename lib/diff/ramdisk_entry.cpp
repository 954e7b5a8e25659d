#include "lib/diff/ramdisk_entry.h"

#include <array>
#include <cstring>

#include "formats/byte_order.h"
#include "lib/base/error.h"

namespace eifkit {

static constexpr size_t kFixedFields = 11;
static constexpr size_t kFixedBytes = 8 + 4 * kFixedFields + 32;

// The header fields in record order, for a const or a mutable entry.
template <typename Entry>
static auto fixed_fields(Entry& e) {
  return std::array{&e.ino,  &e.mode,      &e.uid,       &e.gid,        &e.nlink,     &e.mtime,
                    &e.size, &e.dev_major, &e.dev_minor, &e.rdev_major, &e.rdev_minor};
}

std::string encode_entry(const RamdiskEntry& e) {
  std::string out = e.name;
  out.push_back('\0');
  size_t at = out.size();
  out.resize(at + kFixedBytes);
  auto* p = reinterpret_cast<uint8_t*>(out.data()) + at;
  store_be<uint64_t>(p, e.position);
  auto fields = fixed_fields(e);
  for (size_t i = 0; i < kFixedFields; ++i) store_be<uint32_t>(p + 8 + 4 * i, *fields[i]);
  std::memcpy(p + 8 + 4 * kFixedFields, e.content.data(), 32);
  out += e.target;
  return out;
}

RamdiskEntry decode_entry(std::string_view record) {
  RamdiskEntry e;
  size_t nul = record.find('\0');
  if (nul == std::string_view::npos || record.size() - nul - 1 < kFixedBytes) {
    throw Error("temporary sort file: damaged ramdisk entry record");
  }
  e.name = record.substr(0, nul);
  const auto* p = reinterpret_cast<const uint8_t*>(record.data()) + nul + 1;
  e.position = load_be<uint64_t>(p);
  auto fields = fixed_fields(e);
  for (size_t i = 0; i < kFixedFields; ++i) *fields[i] = load_be<uint32_t>(p + 8 + 4 * i);
  std::memcpy(e.content.data(), p + 8 + 4 * kFixedFields, 32);
  e.target = record.substr(nul + 1 + kFixedBytes);
  return e;
}

}  // namespace eifkit
