// Writes a cpio newc archive into a ByteSink in one pass, in linuxkit's conventions (the ones
// nitro-cli's ramdisks follow). File data is streamed through, never held whole.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "formats/cpio_newc.h"
#include "lib/base/byte_sink.h"
#include "lib/base/byte_source.h"

namespace eifkit {

// linuxkit's first inode number, and the device it claims every entry lives on.
inline constexpr uint32_t kLinuxkitFirstIno = 721;
inline constexpr uint32_t kLinuxkitDevMajor = 3;
inline constexpr uint32_t kLinuxkitDevMinor = 1;

// What every entry carries besides its name and type.
struct CpioMeta {
  uint32_t perm = 0;  // 07777: permission bits with setuid/setgid/sticky
  uint32_t uid = 0, gid = 0;
  uint32_t mtime = 0;
  // Hard links: give every name of a group the same ino (from reserve_ino()) and the group's
  // nlink, and the data to the LAST name only (size 0 on the others): the kernel's unpacker
  // and GNU cpio both expect that (the kernel links regular files only). Unset: the next
  // inode number, and nlink 2 for directories, 1 otherwise.
  std::optional<uint32_t> ino;
  std::optional<uint32_t> nlink;
};

enum class DeviceType { kChar, kBlock };

class CpioWriter {
 public:
  explicit CpioWriter(ByteSink& out, uint32_t first_ino = kLinuxkitFirstIno);
  CpioWriter(const CpioWriter&) = delete;
  CpioWriter& operator=(const CpioWriter&) = delete;

  void add_directory(const std::string& name, const CpioMeta& meta);
  // Streams exactly `size` bytes from `data`; a source that ends sooner is an Error. Files
  // of 4 GiB or more cannot be stored in newc: an Error naming the entry.
  void add_file(const std::string& name, const CpioMeta& meta, uint64_t size, ByteSource& data);
  void add_file(const std::string& name, const CpioMeta& meta, std::span<const uint8_t> data);
  void add_symlink(const std::string& name, const std::string& target, const CpioMeta& meta);
  void add_device(const std::string& name, DeviceType type, uint32_t major, uint32_t minor,
                  const CpioMeta& meta);
  void add_fifo(const std::string& name, const CpioMeta& meta);

  // Takes an inode number from the counter for a hard-link group. Entries given an explicit
  // ino do not advance the counter, so the numbering stays dense.
  uint32_t reserve_ino() { return next_ino_++; }

  // Writes the TRAILER!!! entry, then zero padding to a multiple of 512. Nothing may be
  // added afterwards.
  void finish();

  uint64_t bytes_written() const { return bytes_written_; }
  uint32_t next_ino() const { return next_ino_; }

 private:
  CpioHeader header_for(const std::string& name, uint32_t type, const CpioMeta& meta);
  void write_header(const CpioHeader& h);
  void write_padding(size_t n);
  void emit(std::span<const uint8_t> data);

  ByteSink& out_;
  uint32_t next_ino_;
  uint64_t bytes_written_ = 0;
  bool finished_ = false;
  std::vector<uint8_t> buffer_;  // for streaming file data, allocated on first use
};

}  // namespace eifkit
