#include "lib/image/image_files.h"

#include <algorithm>

#include "formats/tar_path.h"
#include "lib/base/error.h"

namespace eifkit {

std::vector<uint8_t> read_small(ImageFiles& files, const std::string& name, uint64_t max_bytes) {
  std::optional<uint64_t> size = files.size(name);
  if (!size) fail(files.source(), name + " is missing from the " + files.kind());
  if (*size > max_bytes) {
    fail(files.source(), name + " is too large (" + std::to_string(*size) + " bytes, at most " +
                             std::to_string(max_bytes) + ")");
  }
  std::unique_ptr<ByteSource> in = files.open(name);
  std::vector<uint8_t> data(*size);
  size_t done = 0;
  while (done < data.size()) {
    size_t n = in->read(std::span(data).subspan(done));
    if (n == 0) fail(files.source(), name + " is shorter than its recorded size");
    done += n;
  }
  return data;
}

std::optional<std::string> normalize_relative(std::string_view path) {
  auto parts = clean_tar_path(path);
  if (!parts || parts->empty()) return std::nullopt;
  return join_path(*parts);
}

std::optional<std::string> reference_name(std::string_view path) {
  if (path.empty() || path.front() == '/') return std::nullopt;
  return normalize_relative(path);
}

}  // namespace eifkit
