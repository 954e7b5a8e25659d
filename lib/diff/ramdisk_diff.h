// The file-level difference of two ramdisks, from their entries sorted by path: paths added,
// removed and changed (with the attributes that differ), and whether the paths both have keep
// their relative order. Memory holds only the changes listed and one record per side.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

#include "lib/diff/ramdisk_files.h"

namespace eifkit {

// {"Entries": {"A", "B"}, "Added", "Removed", "Changed" (counts), "ChangedAttributes":
//  {ATTR: entries}, "SameOrder", "FirstOutOfOrder" (a path, or null), "Changes": [{"Name",
//  "Change": "added"|"removed"|"changed", "Attributes": {ATTR: {"A", "B"}}}], "Truncated"}.
// Changes lists at most `max_changes`, the most significant first (added, removed, and
// content, type or target changes; then mode, owner and device; then mtime, nlink, inode),
// by path within each.
nlohmann::json diff_ramdisk_files(RamdiskFiles& a, RamdiskFiles& b, size_t max_changes);

}  // namespace eifkit
