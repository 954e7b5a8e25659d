// One node of a flattened tree as a cpio entry: what both application ramdisk layouts write
// the same way (directories, symlinks, devices, FIFOs). Regular files are the layouts' own
// business (hard-link groups, spooled data).
#pragma once

#include <string>

#include "lib/cpio/cpio_writer.h"
#include "lib/image/fs_tree.h"

namespace eifkit {

// Writes `inode` under `name` unless it is a regular file; returns whether it wrote it.
bool write_non_file_entry(CpioWriter& cpio, const std::string& name, const Inode& inode,
                          const CpioMeta& meta);

}  // namespace eifkit
