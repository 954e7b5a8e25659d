// The files an image is stored as, wherever they are: an OCI layout directory, or the members
// of a docker save archive or OCI archive. Names are relative and '/'-separated; names taken
// from manifests are checked with reference_name() first, so none can leave the image.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/bounded_json.h"
#include "lib/base/byte_source.h"

namespace eifkit {

class ImageFiles {
 public:
  virtual ~ImageFiles() = default;
  // The path the user gave, which starts every message.
  virtual const std::string& source() const = 0;
  // "archive" or "directory", for "... is missing from the archive".
  virtual const char* kind() const = 0;
  // The size of a regular file, or nullopt when there is none by that name.
  virtual std::optional<uint64_t> size(const std::string& name) = 0;
  // Opens a file that size() found.
  virtual std::unique_ptr<ByteSource> open(const std::string& name) = 0;
};

// Manifests and configs are small; anything over this is refused before it is read.
inline constexpr uint64_t kMaxJsonBytes = 4 << 20;
// An image means what `docker load` makes of it, and Docker's Go decoder keeps the last of a
// key given twice: so does eifkit, or its /cmd could differ from Docker's.
inline constexpr DuplicateKeys kImageJsonKeys = DuplicateKeys::kKeepLast;

// Reads a whole file of at most max_bytes (an Error otherwise, or when it is missing).
std::vector<uint8_t> read_small(ImageFiles& files, const std::string& name, uint64_t max_bytes);

// Resolves "." and ".." and drops empty components; nullopt when the path climbs above its
// start or names nothing ("", ".").
std::optional<std::string> normalize_relative(std::string_view path);

// A path named inside a manifest: relative and staying inside the image, else nullopt.
std::optional<std::string> reference_name(std::string_view path);

}  // namespace eifkit
