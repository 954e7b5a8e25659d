// Re-signing an existing image: the same sections with a new signature section.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/eif/eif_reader.h"
#include "lib/eif/eif_writer.h"

namespace eifkit {

// Writes `image` to `output` atomically with `section` as its signature section, replacing
// an existing one in place or appending one. Every other section is copied byte for byte;
// header fields are kept; the section table and CRC are recomputed.
EifWriteResult rewrite_with_signature(EifImage& image, const std::vector<uint8_t>& section,
                                      const std::string& output);
// The same into `out` (seekable, empty), for a command that commits several outputs together;
// a "writing EIF" phase of `progress` counts the bytes written.
EifWriteResult rewrite_with_signature(EifImage& image, const std::vector<uint8_t>& section,
                                      File& out, Progress* progress = nullptr);

}  // namespace eifkit
