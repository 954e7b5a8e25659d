// `eifkit build --rootfs-tar`: a flat root filesystem tar (plain, gzip or zstd) opened as a
// one-layer image, its tar stream flattened into one tree, then the checks the build makes
// on that tree (not a container image; USER resolved against its /etc/passwd).
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "lib/base/error.h"
#include "lib/image/flatten.h"
#include "lib/image/image_source.h"
#include "lib/image/image_user.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("rootfs_tar");
  try {
    eifkit::Platform platform;
    platform.architecture = "amd64";
    nlohmann::json config = {
        {"architecture", "amd64"}, {"os", "linux"}, {"config", {{"Cmd", {"/bin/sh"}}}}};
    std::unique_ptr<eifkit::ImageSource> image =
        eifkit::open_rootfs_tar(input.write(data, size), config, platform);
    eifkit::FlattenedImage fs = eifkit::flatten_image(*image);
    eifkit::refuse_container_image_as_rootfs(*fs.root, image->info().source);
    (void)eifkit::resolve_image_user("nobody", fs);
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
