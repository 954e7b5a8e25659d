// What a build read, for its record's Inputs and so for the resolved dependencies of its
// SLSA provenance: each input named, with its path when it is a file, and its digests.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/eif_header.h"
#include "lib/image/image_source.h"
#include "lib/ramdisk/boot_files.h"

namespace eifkit {

// The image by its ID (the SHA-256 of its config, which names every layer) and each layer by
// its diff_id, bottom first ("layer 1", …); a flat rootfs tar, which has neither, by the
// SHA-256 and SHA-384 of the file (one more read of it). `image_arg` is what --image or
// --rootfs-tar gave.
nlohmann::json image_inputs(const ImageSource& image, const std::string& image_arg,
                            bool rootfs_tar);

// The kernel, its config, the init (eifkit's own for `arch` when the build used it) and
// nsm.ko, each hashed.
nlohmann::json boot_file_inputs(const BootFiles& boot, Arch arch);

}  // namespace eifkit
