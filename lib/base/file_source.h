// A whole file as a ByteSource: layer blobs in an OCI layout directory, flat rootfs tars.
#pragma once

#include <string>

#include "lib/base/byte_source.h"
#include "lib/base/file.h"

namespace eifkit {

class FileSource : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : file_(File::open_read(path)) {}
  size_t read(std::span<uint8_t> buf) override { return file_.read_some(buf); }

 private:
  File file_;
};

}  // namespace eifkit
