// How much of an image eifkit will read. Images come from registries and other teams, so a
// few kilobytes must not be able to claim unbounded time, memory or disk: every count and
// size an input declares is checked against these before it is acted on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace eifkit {

struct ImageLimits {
  // Bytes of file data the layers may hold, counted as declared, before any is spooled. An
  // enclave boots from memory holding both the EIF and its unpacked ramdisk, so 4 GiB of
  // files already needs an enclave of 16 GiB or more: beyond that is a mistake or an attack.
  // EIFKIT_MAX_IMAGE_SIZE raises it (bytes, or with a K, M, G or T suffix).
  uint64_t max_file_bytes = uint64_t{4} << 30;
  // Entries (files, directories, links) over all layers. EIFKIT_MAX_IMAGE_ENTRIES raises it.
  uint64_t max_entries = 4'000'000;
  // Manifests and indexes followed, each counted once; manifest.json entries. Builders write
  // one per platform, a few dozen at most.
  size_t max_documents = 4096;
  // Layers of the chosen image: Docker cannot run an image of more than 127.
  size_t max_layers = 1024;
};

// Paths in a layer: Linux resolves at most PATH_MAX (4096 bytes, with its NUL) in one call,
// and the limit also bounds the depth of the tree (at most 2048 levels).
inline constexpr size_t kMaxImagePathBytes = 4095;

// The defaults above with the environment's overrides; an Error naming the variable and its
// value for an override that is not a positive decimal number (digits only: no sign, no
// space) or does not fit in 64 bits. A variable set but empty counts as unset.
ImageLimits image_limits();

// An Error "WHERE: lists N WHAT; the limit is LIMIT" when count > limit.
void refuse_count_over(size_t count, size_t limit, const std::string& where, const char* what);

// "4 GiB", "1.5 MiB", "700 bytes", for messages.
std::string human_bytes(uint64_t bytes);

}  // namespace eifkit
