// `eifkit build --image ARCHIVE`: a docker save archive or OCI archive opened as the build
// opens it (manifests, index, platform selection, config, digests), its layers flattened,
// then what the build reads from the config and the tree (command, user, DockerInfo).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "lib/base/error.h"
#include "lib/image/docker_info.h"
#include "lib/image/flatten.h"
#include "lib/image/image_source.h"
#include "lib/image/image_user.h"
#include "lib/image_build.h"
#include "lib/ramdisk/enclave_command.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static eifkit::fuzz::FuzzInputFile input("image_archive");
  try {
    std::unique_ptr<eifkit::ImageSource> image = eifkit::open_image(
        input.write(data, size), std::nullopt, eifkit::platform_for_arch(eifkit::Arch::kX86_64));
    const eifkit::ImageInfo& info = image->info();
    (void)eifkit::arch_for_platform(info.platform);
    (void)eifkit::docker_info(info).dump();
    eifkit::ContainerConfig config = eifkit::container_config_from_image(info.config);
    eifkit::FlattenedImage fs = eifkit::flatten_image(*image);
    (void)eifkit::resolve_enclave_command(config, *fs.root);
    (void)eifkit::resolve_image_user(config.user, fs);
  } catch (const eifkit::Error&) {
    // Refusing bad input is the expected outcome.
  }
  return 0;
}
