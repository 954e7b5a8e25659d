// Docker's init layer: what every container's filesystem has on top of its image, and so
// what `docker export` (and nitro-cli, which builds from that export) sees. Directories /dev,
// /dev/pts, /dev/shm, /proc, /sys and /etc (0755 root:root, hiding the image's attributes of
// them, or a non-directory at that path); empty 0755 files /.dockerenv, /etc/hostname,
// /etc/hosts, /etc/resolv.conf and /dev/console over whatever the image had there; /etc/mtab a
// symlink to /proc/mounts.
#pragma once

#include <cstdint>

#include "lib/image/fs_tree.h"

namespace eifkit {

// `mtime` for every entry the layer makes: Docker uses the container's creation time, which
// linuxkit overwrites or drops for each of them.
void apply_docker_init_layer(FsNode& root, int64_t mtime);

}  // namespace eifkit
