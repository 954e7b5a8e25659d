// Taking an EIF apart: each section to a file, and the file lists of its ramdisks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/eif/eif_reader.h"

namespace eifkit {

// Writes kernel, cmdline, metadata.json, ramdisk-N.cpio and signature.cbor into `dir`
// (created if needed), each atomically; returns the paths written, in section order.
std::vector<std::string> extract_sections(EifImage& image, const std::string& dir,
                                          Progress* progress = nullptr);

// [{"Index": N, "Entries": [{"Name", "Type", "Mode", "Uid", "Gid", "Size", "Nlink", "Ino",
// "Target"?}, …]}, …], streamed from the file.
nlohmann::json list_ramdisks(EifImage& image);

// Streams section `s` into `out` (e.g. the concatenated initrd `run` boots).
void copy_section(EifImage& image, const EifSectionInfo& s, File& out);

}  // namespace eifkit
