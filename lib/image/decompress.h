// Layer blobs arrive as plain tar, gzip or zstd. Which one is told by the first bytes, since
// media types are often wrong or absent (docker save archives have none).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "lib/base/byte_source.h"

namespace eifkit {

enum class Compression { kNone, kGzip, kZstd };

// Looks at up to the first 4 bytes of a stream.
Compression detect_compression(std::span<const uint8_t> head);

// Reads the first bytes of `in` to pick the format and returns the uncompressed stream,
// which ends only where the input ends (several gzip members or zstd frames are joined).
// `in` must outlive the result. `name` prefixes errors: "NAME: truncated gzip data".
std::unique_ptr<ByteSource> open_decompressed(ByteSource& in, const std::string& name);

}  // namespace eifkit
