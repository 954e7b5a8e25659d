// What `eifkit diff` is asked to do.
#pragma once

#include <cstddef>

namespace eifkit {

struct DiffOptions {
  bool ramdisk_files = true;  // compare differing ramdisks file by file
  size_t max_changes = 20;    // of each list: files, metadata fields, record fields
};

}  // namespace eifkit
