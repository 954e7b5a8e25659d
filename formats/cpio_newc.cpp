#include "formats/cpio_newc.h"

#include <algorithm>
#include <array>

namespace eifkit {

namespace {

constexpr size_t kFieldCount = 13;
constexpr size_t kFieldDigits = 8;

constexpr std::array<const char*, kFieldCount> kFieldNames = {
    "ino",       "mode",      "uid",        "gid",        "nlink",    "mtime", "filesize",
    "dev_major", "dev_minor", "rdev_major", "rdev_minor", "namesize", "check"};

size_t pad4(uint64_t n) {
  return static_cast<size_t>((4 - n % 4) % 4);
}

void put_hex8(std::vector<uint8_t>& out, uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int shift = 28; shift >= 0; shift -= 4) {
    out.push_back(static_cast<uint8_t>(kDigits[(v >> shift) & 0xf]));
  }
}

// Upper case is accepted: the kernel's parser takes it, only writers use lower case.
std::optional<uint32_t> parse_hex8(const uint8_t* p) {
  uint32_t v = 0;
  for (size_t i = 0; i < kFieldDigits; ++i) {
    uint8_t c = p[i];
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    v = (v << 4) | d;
  }
  return v;
}

}  // namespace

std::vector<uint8_t> encode_cpio_header(const CpioHeader& h) {
  const uint32_t name_size = static_cast<uint32_t>(h.name.size() + 1);
  std::vector<uint8_t> out;
  out.reserve(kCpioHeaderSize + name_size + 3);
  out.insert(out.end(), kCpioMagic.begin(), kCpioMagic.end());
  for (uint32_t v : {h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.filesize, h.dev_major,
                     h.dev_minor, h.rdev_major, h.rdev_minor, name_size, uint32_t{0}}) {
    put_hex8(out, v);
  }
  out.insert(out.end(), h.name.begin(), h.name.end());
  out.push_back(0);
  out.resize(out.size() + cpio_name_padding(name_size), 0);
  return out;
}

size_t cpio_name_padding(uint32_t name_size) {
  return pad4(kCpioHeaderSize + uint64_t{name_size});
}

size_t cpio_data_padding(uint64_t size) {
  return pad4(size);
}

bool is_cpio_trailer(const CpioHeader& h) {
  return h.name == kCpioTrailerName;
}

std::optional<std::string> decode_cpio_fixed_part(std::span<const uint8_t> bytes,
                                                  CpioFixedPart& out) {
  if (bytes.size() < kCpioHeaderSize) {
    return "truncated cpio header (" + std::to_string(bytes.size()) + " of " +
           std::to_string(kCpioHeaderSize) + " bytes)";
  }
  std::string_view magic(reinterpret_cast<const char*>(bytes.data()), kCpioMagic.size());
  if (magic != kCpioMagic) {
    // Name the formats people actually hand over by mistake.
    if (magic == "070702") return "cpio \"crc\" format (magic 070702) is not supported, only newc";
    if (magic == "070707") return "cpio \"odc\" format (magic 070707) is not supported, only newc";
    if (bytes[0] == 0x1f && bytes[1] == 0x8b) return "gzip-compressed data, not a cpio archive";
    return "not a cpio newc header (bad magic)";
  }
  std::array<uint32_t, kFieldCount> fields{};
  for (size_t i = 0; i < kFieldCount; ++i) {
    auto v = parse_hex8(bytes.data() + kCpioMagic.size() + i * kFieldDigits);
    if (!v) return std::string("cpio header field ") + kFieldNames[i] + " is not 8 hex digits";
    fields[i] = *v;
  }
  const uint32_t name_size = fields[11];
  if (name_size == 0) return "cpio header has name size 0 (no room for the NUL)";
  if (name_size > kCpioMaxNameSize) {
    return "cpio header has name size " + std::to_string(name_size) + " (at most " +
           std::to_string(kCpioMaxNameSize) + ")";
  }
  CpioHeader& h = out.header;
  h = CpioHeader{};
  h.ino = fields[0];
  h.mode = fields[1];
  h.uid = fields[2];
  h.gid = fields[3];
  h.nlink = fields[4];
  h.mtime = fields[5];
  h.filesize = fields[6];
  h.dev_major = fields[7];
  h.dev_minor = fields[8];
  h.rdev_major = fields[9];
  h.rdev_minor = fields[10];
  out.name_size = name_size;
  return std::nullopt;
}

std::optional<std::string> decode_cpio_name(std::span<const uint8_t> bytes, CpioHeader& header) {
  if (bytes.empty()) return "cpio name is missing its NUL";
  if (bytes.back() != 0) return "cpio name is not NUL-terminated";
  const auto body = bytes.first(bytes.size() - 1);
  if (body.empty()) return "cpio entry has an empty name";
  if (std::find(body.begin(), body.end(), uint8_t{0}) != body.end()) {
    return "cpio name holds a NUL byte before its end";
  }
  header.name.assign(body.begin(), body.end());
  return std::nullopt;
}

std::optional<std::string> decode_cpio_header(std::span<const uint8_t> bytes, CpioHeader& out,
                                              size_t& consumed) {
  CpioFixedPart fixed;
  if (auto problem = decode_cpio_fixed_part(bytes, fixed)) return problem;
  const size_t total = kCpioHeaderSize + fixed.name_size + cpio_name_padding(fixed.name_size);
  if (bytes.size() < total) {
    return "truncated cpio header (" + std::to_string(bytes.size()) + " of " +
           std::to_string(total) + " bytes with the name)";
  }
  if (auto problem =
          decode_cpio_name(bytes.subspan(kCpioHeaderSize, fixed.name_size), fixed.header)) {
    return problem;
  }
  out = std::move(fixed.header);
  consumed = total;
  return std::nullopt;
}

const char* cpio_type_name(uint32_t mode) {
  switch (mode & kCpioTypeMask) {
    case kCpioDirectory:
      return "directory";
    case kCpioRegular:
      return "file";
    case kCpioSymlink:
      return "symlink";
    case kCpioCharDevice:
      return "char-device";
    case kCpioBlockDevice:
      return "block-device";
    case kCpioFifo:
      return "fifo";
    case kCpioSocket:
      return "socket";
  }
  return "unknown";
}

}  // namespace eifkit
