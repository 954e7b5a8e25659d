// The main job: a container image plus the platform's boot files in, an EIF out. Flattens the
// layers (contents spooled to an anonymous temporary file), resolves the command, writes
// kernel, cmdline, metadata, the nitro-cli-identical bootstrap ramdisk and the application
// ramdisk in one streaming pass.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/eif/eif_writer.h"
#include "lib/image/flatten.h"
#include "lib/image/image_source.h"
#include "lib/ramdisk/boot_files.h"
#include "lib/ramdisk/enclave_command.h"
#include "lib/signing/eif_signature.h"

namespace eifkit {

struct ImageBuildOptions {
  BootFiles boot;
  CommandOverrides overrides;
  std::optional<std::string> name, version;  // default from the image's tag and ID
  std::string build_time;                    // RFC 3339, already resolved
  nlohmann::json custom_metadata;            // null when none
  const Signer* signer = nullptr;            // signed build when set
  bool rootfs_input = false;                 // the image is a --rootfs-tar
};

struct ImageBuildResult {
  EifWriteResult eif;
  EnclaveCommand command;
  size_t entries_with_xattrs = 0;
};

// "amd64" -> x86_64, "arm64" -> aarch64; Error for what an enclave cannot run.
Arch arch_for_platform(const Platform& platform);
Platform platform_for_arch(Arch arch);

// Phases of `progress`: "reading layers", then "writing EIF".
ImageBuildResult build_eif_from_image(ImageSource& image, const ImageBuildOptions& options,
                                      File& output, Progress* progress = nullptr);

}  // namespace eifkit
