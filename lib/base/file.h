// A file descriptor that closes itself, with the few exact-length reads and writes eifkit needs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eifkit {

class File {
 public:
  static File open_read(const std::string& path);
  // Takes ownership of an already open descriptor.
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  uint64_t size() const;

  // Returns bytes read; 0 only at end of file.
  size_t read_some(std::span<uint8_t> buf);
  // Reads exactly buf.size() bytes at offset or fails naming the file.
  void pread_exact(std::span<uint8_t> buf, uint64_t offset);
  void write_all(std::span<const uint8_t> data);
  void pwrite_all(std::span<const uint8_t> data, uint64_t offset);
  void close();  // reports a failed close, which can lose written data

 private:
  int fd_ = -1;
  std::string path_;
};

// Bytes in a regular file; 0 for anything else (a FIFO, a device) or when it cannot be
// stat'ed. For progress totals: opening a FIFO to ask would block.
uint64_t regular_file_size(const std::string& path);

// For small inputs only (cmdline, metadata, certificates): refuses files over max_bytes
// before reading them.
std::vector<uint8_t> read_small_file(const std::string& path, uint64_t max_bytes);

}  // namespace eifkit
