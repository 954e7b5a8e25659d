// Ramdisk #1 in nitro-cli's layout: byte for byte what `nitro-cli build-enclave` (Docker's
// export of a created container, edited and written as cpio by linuxkit) makes of the same
// image, so that PCR2 and PCR0 are nitro-cli's. The stream is
//   rootfs (linuxkit's prefix directory);
//   the container's filesystem (the image, then Docker's init layer) as `docker export` walks
//   it: depth first, each directory's names sorted bytewise, directory names ending in "/";
//   the second name of a hard-linked file and later ones become symlinks, relative to the
//   link's directory, with the file's permission bits;
//   with linuxkit's edits: .dockerenv, Dockerfile, dev/console, dev/pts, dev/shm and
//   etc/hostname dropped (exact names: "dev/pts/" is kept), etc/hosts given linuxkit's
//   contents, etc/resolv.conf made a symlink to /run/resolvconf/resolv.conf, and linuxkit's
//   default time set on those and on dev/, dev/pts/, dev/shm/, etc/, etc/mtab, proc/, sys/;
//   rootfs, rootfs/dev, run, sys, var, proc and tmp again (nitro-cli's `files:`), then cmd and
//   env (0644);
//   the trailer, and zeros up to a multiple of 512.
// Every entry is in linuxkit's cpio conventions (lib/cpio/cpio_writer.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/base/byte_sink.h"
#include "lib/eif/eif_writer.h"
#include "lib/image/flatten.h"

namespace eifkit {

// linuxkit's fixed /etc/hosts.
extern const std::string_view kLinuxkitHosts;

// Refuses, before anything is written, what linuxkit would write into a corrupt cpio header
// (nitro-cli's own output would be unusable): an mtime after 2106-02-07, one before 1970 (which
// only a symlink keeps through Docker), a file of 4 GiB or more. `source` names the image.
void check_nitro_cli_ramdisk(const FsNode& root, const std::string& source);

// `image` is the flattened image with Docker's init layer applied.
void write_nitro_cli_ramdisk(ByteSink& out, const FlattenedImage& image, const std::string& cmd,
                             const std::string& env);

// `image` must outlive the producer.
SectionProducer nitro_cli_ramdisk_section(const FlattenedImage& image, std::string cmd,
                                          std::string env);

}  // namespace eifkit
