// One EIF as diff needs it, read in one pass: its measurements, a SHA-384 of every section,
// the small sections kept, and (when asked) the file list of every ramdisk.
#pragma once

#include <string>
#include <vector>

#include "lib/diff/ramdisk_files.h"
#include "lib/eif/eif_reader.h"

namespace eifkit {

struct EifSide {
  EifImage image;
  EifScan scan;
  std::vector<RamdiskFiles> ramdisks;  // one per ramdisk section, when files are read
};

EifSide read_eif_side(const std::string& path, bool ramdisk_files);

}  // namespace eifkit
