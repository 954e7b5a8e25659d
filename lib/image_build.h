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
#include "lib/ramdisk/ramdisk_layout.h"
#include "lib/signing/eif_signature.h"

namespace eifkit {

// What decides the application ramdisk's bytes.
struct AppRamdiskOptions {
  RamdiskLayout layout = RamdiskLayout::kEifkit;
  CommandOverrides overrides;
  std::string build_time;     // RFC 3339, already resolved: the nitro-cli layout's stand-in
                              // for the moment Docker loaded the image
  bool rootfs_input = false;  // the image is a --rootfs-tar
  // For a listing: a command that is missing or not found is a note, not an Error, and /cmd
  // holds what the image says (nothing, when it says nothing).
  bool listing = false;
};

// An image flattened and its command resolved: the application ramdisk, ready to be written.
struct AppRamdisk {
  RamdiskLayout layout = RamdiskLayout::kEifkit;
  FlattenedImage fs;
  EnclaveCommand command;          // the nitro-cli layout: argv is /cmd, env is /env
  std::vector<std::string> notes;  // one line each, for stderr
};

// Reads every layer once. Phases of `progress`: "reading layers".
AppRamdisk prepare_app_ramdisk(ImageSource& image, const AppRamdiskOptions& options,
                               Progress* progress = nullptr);
// Writes the ramdisk's cpio bytes; `ramdisk` must outlive the producer.
SectionProducer app_ramdisk_producer(AppRamdisk& ramdisk);

// {"Layout", "NitroCliReproducible", "LoadTimeDependent": [{"Layer", "Directories"}]}: what a
// nitro-cli layout build reports (and records) about nitro-cli's reproducibility.
nlohmann::json load_time_report(const AppRamdisk& ramdisk);
// One warning line per layer, or nothing.
std::vector<std::string> load_time_warnings(const AppRamdisk& ramdisk);

struct ImageBuildOptions {
  BootFiles boot;
  AppRamdiskOptions ramdisk;
  std::optional<std::string> name, version;  // default from the image's tag and ID
  nlohmann::json custom_metadata;            // null when none
  const Signer* signer = nullptr;            // signed build when set
};

struct ImageBuildResult {
  EifWriteResult eif;
  EnclaveCommand command;
  size_t entries_with_xattrs = 0;
  std::vector<std::string> notes;
  nlohmann::json load_time;  // load_time_report; null for the eifkit layout
  std::vector<std::string> load_time_warnings;
};

// "amd64" -> x86_64, "arm64" -> aarch64; Error for what an enclave cannot run.
Arch arch_for_platform(const Platform& platform);
Platform platform_for_arch(Arch arch);

// Phases of `progress`: "reading layers", then "writing EIF".
ImageBuildResult build_eif_from_image(ImageSource& image, const ImageBuildOptions& options,
                                      File& output, Progress* progress = nullptr);

}  // namespace eifkit
