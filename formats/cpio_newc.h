// The cpio "newc" (SVR4, magic 070701) entry header: the only archive format the kernel's
// initramfs unpacker reads, and the one every ramdisk section holds.
//
// On the wire an entry is: 110 header bytes, the name and its NUL (padded so that header and
// name together fill a multiple of 4), then the data (padded to 4). A streaming reader takes
// the 110 bytes, learns the name size from them, takes the name, then the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eifkit {

inline constexpr size_t kCpioHeaderSize = 110;
inline constexpr std::string_view kCpioMagic = "070701";
inline constexpr std::string_view kCpioTrailerName = "TRAILER!!!";
// linuxkit and GNU cpio pad the whole archive to this.
inline constexpr size_t kCpioArchivePadding = 512;
// PATH_MAX, NUL included: longer names cannot be created by the kernel anyway, and the bound
// keeps a hostile header from making a reader allocate gigabytes.
inline constexpr uint32_t kCpioMaxNameSize = 4096;

// File type bits of the mode field (the S_IF* values, spelled out so formats/ needs no
// system headers).
inline constexpr uint32_t kCpioTypeMask = 0170000;
inline constexpr uint32_t kCpioFifo = 0010000;
inline constexpr uint32_t kCpioCharDevice = 0020000;
inline constexpr uint32_t kCpioDirectory = 0040000;
inline constexpr uint32_t kCpioBlockDevice = 0060000;
inline constexpr uint32_t kCpioRegular = 0100000;
inline constexpr uint32_t kCpioSymlink = 0120000;
inline constexpr uint32_t kCpioSocket = 0140000;
// Permission bits with setuid, setgid and sticky.
inline constexpr uint32_t kCpioPermMask = 07777;

// The check field is not stored: newc writes it as 0 and nothing reads it.
struct CpioHeader {
  uint32_t ino = 0, mode = 0, uid = 0, gid = 0, nlink = 0, mtime = 0;
  uint32_t filesize = 0;  // data bytes; a symlink's data is its target
  uint32_t dev_major = 0, dev_minor = 0, rdev_major = 0, rdev_minor = 0;
  std::string name;
};

// Header, name, NUL and the zero padding after them. The name must hold no NUL.
std::vector<uint8_t> encode_cpio_header(const CpioHeader& h);

// Zero bytes after a name of `name_size` bytes (NUL included).
size_t cpio_name_padding(uint32_t name_size);
// Zero bytes after `size` data bytes.
size_t cpio_data_padding(uint64_t size);

bool is_cpio_trailer(const CpioHeader& h);

// "file", "directory", "symlink", "char-device", "block-device", "fifo", "socket" or
// "unknown": the names listings and diffs give the type bits of `mode`.
const char* cpio_type_name(uint32_t mode);

// The 110 bytes before the name, decoded: every field but the name, and how many name bytes
// follow (NUL included).
struct CpioFixedPart {
  CpioHeader header;  // name empty
  uint32_t name_size = 0;
};

// Decodes the first kCpioHeaderSize bytes of `bytes` into `out`. Returns what is wrong (short
// input, bad magic, a field that is not 8 hex digits, a name size of 0 or over
// kCpioMaxNameSize); nullopt when sound.
std::optional<std::string> decode_cpio_fixed_part(std::span<const uint8_t> bytes,
                                                  CpioFixedPart& out);
// Checks the `name_size` bytes after the fixed part (a non-empty name, then one NUL) and
// stores the name in `header`. Returns what is wrong; nullopt when sound.
std::optional<std::string> decode_cpio_name(std::span<const uint8_t> bytes, CpioHeader& header);

// Both steps on one buffer holding a whole header: on success `consumed` is the header, name
// and padding size (where the data starts). Returns what is wrong; nullopt when sound.
std::optional<std::string> decode_cpio_header(std::span<const uint8_t> bytes, CpioHeader& out,
                                              size_t& consumed);

}  // namespace eifkit
