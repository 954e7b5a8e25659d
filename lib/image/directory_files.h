// An image stored as a directory (an OCI image layout, or an unpacked docker save).
#pragma once

#include <memory>
#include <string>

#include "lib/image/image_files.h"

namespace eifkit {

// Names are looked up lexically below `dir`; callers pass only names that reference_name()
// or digest validation produced, so none climbs out.
std::unique_ptr<ImageFiles> open_directory_files(const std::string& dir);

}  // namespace eifkit
