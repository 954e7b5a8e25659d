// Choosing one image among those a docker save archive or an OCI index holds, by platform:
// the one asked for, else the fallback (the kernel's architecture). A lone image needs no
// choosing unless a platform was asked for explicitly.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lib/image/image_source.h"

namespace eifkit {

struct ImageChoice {
  Platform platform;
  std::string id;     // the same id twice is the same image (e.g. two tags of it)
  size_t group = 0;   // the top-level entry it came from: one tag, or one manifest.json entry
  std::string label;  // that entry's tag, for the message when choosing needs one
};

// The index of the chosen image; an Error naming `source` when none fits ("no image for
// linux/s390x (present: linux/amd64, linux/arm64/v8)") or when images under different tags
// fit equally.
size_t select_image(const std::vector<ImageChoice>& choices, const std::optional<Platform>& wanted,
                    const Platform& fallback, const std::string& source);

}  // namespace eifkit
