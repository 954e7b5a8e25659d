// The enclave platform's boot files: kernel (+ .config), cmdline, init and nsm.ko, found in
// a nitro-cli blob directory (bzImage or Image, bzImage.config, cmdline, init, nsm.ko) with
// single flags overriding.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/eif_header.h"

namespace eifkit {

inline constexpr const char* kNitroBlobsDir = "/usr/share/nitro_enclaves/blobs";

struct BootFileFlags {
  std::optional<std::string> blobs_dir;
  std::optional<std::string> kernel, kernel_config, cmdline_file, init, nsm;
  std::optional<std::string> cmdline;  // literal text, overrides cmdline_file
  // Allows eifkit's own init (lib/ramdisk/bundled_init.h) when neither --init nor the blob
  // directory gives one; the image's architecture picks which, once it is known.
  bool allow_bundled_init = false;
};

struct BootFiles {
  std::string kernel;
  std::optional<std::string> kernel_config;
  std::string cmdline;              // trimmed text
  std::string init;                 // empty when bundled_init
  bool bundled_init = false;        // eifkit's own init, for the image's architecture
  std::optional<std::string> nsm;   // absent for kernels with the driver built in
  std::optional<Arch> kernel_arch;  // from the kernel image's magic, when recognised
  // For the user, one line each: a blob directory without an init, whose images then get
  // eifkit's own and so another PCR1 than nitro-cli gives with those blobs.
  std::vector<std::string> notes;
};

// Uses `default_blobs` when no blob directory is given and it exists. Throws Error naming
// each missing file and where it was looked for.
BootFiles resolve_boot_files(const BootFileFlags& flags,
                             const std::string& default_blobs = kNitroBlobsDir);

// x86 bzImage ("HdrS" at 0x202), arm64 Image ("ARM\x64" at 56) or a gzip-compressed arm64
// Image (Image.gz, as Debian ships it); nullopt otherwise.
std::optional<Arch> kernel_image_arch(const std::string& kernel_path);

// The kernel's architecture, as kernel_image_arch() tells it, from one read of its head; a
// file that is recognisably something else (a tar, cpio or zip archive, an EIF, an ELF
// vmlinux, compressed data that is not an arm64 Image, text) is refused, naming what it is.
// Other unrecognised bytes give nullopt: the reference vectors' placeholder kernels are
// opaque, and so may be a kernel format newer than this check.
std::optional<Arch> check_kernel_file(const std::string& kernel_path);

// The kernel's .config when none is given: KERNEL.config (nitro-cli's blobs), or
// DIR/config-VERSION beside DIR/vmlinuz-VERSION (Debian's /boot); nullopt when neither exists.
std::optional<std::string> default_kernel_config(const std::string& kernel_path);

// nitro-cli's default kernel command line for the architecture.
const char* default_cmdline(Arch arch);

// Reads a cmdline file, trimming surrounding whitespace as nitro-cli does.
std::string read_cmdline_file(const std::string& path);

}  // namespace eifkit
