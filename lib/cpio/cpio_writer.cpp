#include "lib/cpio/cpio_writer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

#include "lib/base/error.h"

namespace eifkit {

static constexpr size_t kChunk = 1 << 16;
static constexpr uint64_t kMaxFileSize = 0xffffffffull;

namespace {

std::string octal(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0%o", v);
  return buf;
}

// A raw NUL would cut the message short.
std::string spell_nuls(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

CpioWriter::CpioWriter(ByteSink& out, uint32_t first_ino) : out_(out), next_ino_(first_ino) {}

CpioHeader CpioWriter::header_for(const std::string& name, uint32_t type, const CpioMeta& meta) {
  if (finished_) throw std::logic_error("CpioWriter: entry added after finish()");
  // Each of these would make the kernel unpack something else than the caller meant, or
  // (the trailer name) silently cut the archive short.
  if (name.empty()) fail("cpio archive", "entry with an empty name");
  if (name.find('\0') != std::string::npos) {
    fail(spell_nuls(name), "entry name holds a NUL byte");
  }
  if (name.size() + 1 > kCpioMaxNameSize) {
    fail(name.substr(0, 64) + "...", "entry name is " + std::to_string(name.size()) +
                                         " bytes (at most " + std::to_string(kCpioMaxNameSize - 1) +
                                         ")");
  }
  if (name == kCpioTrailerName) fail(name, "entry name is reserved for the archive trailer");
  if (meta.perm & ~kCpioPermMask) {
    fail(name, "mode " + octal(meta.perm) + " has bits outside the permission bits (07777)");
  }
  CpioHeader h;
  h.name = name;
  h.mode = type | meta.perm;
  h.uid = meta.uid;
  h.gid = meta.gid;
  h.mtime = meta.mtime;
  h.ino = meta.ino ? *meta.ino : next_ino_++;
  h.nlink = meta.nlink ? *meta.nlink : (type == kCpioDirectory ? 2 : 1);
  h.dev_major = kLinuxkitDevMajor;
  h.dev_minor = kLinuxkitDevMinor;
  return h;
}

void CpioWriter::emit(std::span<const uint8_t> data) {
  out_.write(data);
  bytes_written_ += data.size();
}

void CpioWriter::write_header(const CpioHeader& h) {
  emit(encode_cpio_header(h));
}

void CpioWriter::write_padding(size_t n) {
  static constexpr std::array<uint8_t, kCpioArchivePadding> kZeros{};
  while (n > 0) {
    size_t k = std::min(n, kZeros.size());
    emit(std::span(kZeros).first(k));
    n -= k;
  }
}

void CpioWriter::add_directory(const std::string& name, const CpioMeta& meta) {
  write_header(header_for(name, kCpioDirectory, meta));
}

void CpioWriter::add_file(const std::string& name, const CpioMeta& meta, uint64_t size,
                          ByteSource& data) {
  if (size > kMaxFileSize) {
    fail(name, "file is " + std::to_string(size) +
                   " bytes; cpio newc cannot store files of 4 GiB or more");
  }
  CpioHeader h = header_for(name, kCpioRegular, meta);
  h.filesize = static_cast<uint32_t>(size);
  write_header(h);
  if (size > 0 && buffer_.empty()) buffer_.resize(kChunk);
  uint64_t done = 0;
  while (done < size) {
    auto want = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), size - done));
    size_t n = data.read(std::span(buffer_).first(want));
    if (n == 0) {
      fail(name,
           "data ended after " + std::to_string(done) + " of " + std::to_string(size) + " bytes");
    }
    emit(std::span(buffer_).first(n));
    done += n;
  }
  write_padding(cpio_data_padding(size));
}

void CpioWriter::add_file(const std::string& name, const CpioMeta& meta,
                          std::span<const uint8_t> data) {
  if (data.size() > kMaxFileSize) {
    fail(name, "file is " + std::to_string(data.size()) +
                   " bytes; cpio newc cannot store files of 4 GiB or more");
  }
  CpioHeader h = header_for(name, kCpioRegular, meta);
  h.filesize = static_cast<uint32_t>(data.size());
  write_header(h);
  emit(data);
  write_padding(cpio_data_padding(data.size()));
}

void CpioWriter::add_symlink(const std::string& name, const std::string& target,
                             const CpioMeta& meta) {
  // Linux refuses both when creating the link, so the enclave would fail to boot.
  if (target.empty()) fail(name, "symlink with an empty target");
  if (target.find('\0') != std::string::npos) fail(name, "symlink target holds a NUL byte");
  if (target.size() + 1 > kCpioMaxNameSize) {
    fail(name, "symlink target is " + std::to_string(target.size()) + " bytes (at most " +
                   std::to_string(kCpioMaxNameSize - 1) + ")");
  }
  CpioHeader h = header_for(name, kCpioSymlink, meta);
  h.filesize = static_cast<uint32_t>(target.size());
  write_header(h);
  emit(std::span(reinterpret_cast<const uint8_t*>(target.data()), target.size()));
  write_padding(cpio_data_padding(target.size()));
}

void CpioWriter::add_device(const std::string& name, DeviceType type, uint32_t major,
                            uint32_t minor, const CpioMeta& meta) {
  CpioHeader h =
      header_for(name, type == DeviceType::kChar ? kCpioCharDevice : kCpioBlockDevice, meta);
  h.rdev_major = major;
  h.rdev_minor = minor;
  write_header(h);
}

void CpioWriter::add_fifo(const std::string& name, const CpioMeta& meta) {
  write_header(header_for(name, kCpioFifo, meta));
}

void CpioWriter::finish() {
  if (finished_) throw std::logic_error("CpioWriter: finish() called twice");
  CpioHeader h;
  h.name = std::string(kCpioTrailerName);
  h.ino = next_ino_++;
  h.nlink = 1;
  h.dev_major = kLinuxkitDevMajor;
  h.dev_minor = kLinuxkitDevMinor;
  write_header(h);
  finished_ = true;
  write_padding(static_cast<size_t>((kCpioArchivePadding - bytes_written_ % kCpioArchivePadding) %
                                    kCpioArchivePadding));
}

}  // namespace eifkit
