// The image's USER as the numeric "UID:GID" the enclave init switches to, resolved at build
// time against the image's own /etc/passwd and /etc/group (the enclave has no NSS).
#pragma once

#include <string>

#include "lib/image/flatten.h"

namespace eifkit {

// "" for an empty USER (root). Names not found in the image are an Error, as in Docker.
std::string resolve_image_user(const std::string& user, const FlattenedImage& image);

}  // namespace eifkit
