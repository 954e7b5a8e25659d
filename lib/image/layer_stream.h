// A layer blob as the uncompressed tar stream the flattener reads, checked on the way: the
// blob as stored against its digest and size, the uncompressed bytes against the config's
// diff_id. Checks run when the stream reaches its end, which finish() forces.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lib/base/progress.h"
#include "lib/image/image_source.h"

namespace eifkit {

struct LayerChecks {
  std::optional<std::string> digest;   // "sha256:..." of the blob as stored
  std::optional<uint64_t> size;        // bytes of the blob as stored
  std::optional<std::string> diff_id;  // "sha256:..." of the uncompressed tar
};

// `name` ("SOURCE: blobs/sha256/...") starts every message. The blob is read and decompressed
// ahead on a thread of its own; each stored byte read is counted into `progress` (may be null).
std::unique_ptr<LayerStream> make_layer_stream(std::unique_ptr<ByteSource> blob, std::string name,
                                               LayerChecks checks, Progress* progress = nullptr);

}  // namespace eifkit
