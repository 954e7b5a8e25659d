// Ramdisk #0, byte-identical to the one nitro-cli builds from the same init and nsm.ko, so
// that PCR1 matches nitro-cli's for the same kernel and cmdline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lib/base/byte_sink.h"
#include "lib/eif/eif_writer.h"

namespace eifkit {

// 2017-04-18T16:30:00Z: the fixed mtime of linuxkit's bootstrap entries.
inline constexpr uint32_t kBootstrapMtime = 1492533000;

// Writes `dev` (dir 0755), `init` (0755) and, when given, `nsm.ko` (0755), then the trailer
// and the padding. Both files are streamed; errors name the file.
void write_bootstrap_ramdisk(ByteSink& out, const std::string& init_path,
                             const std::optional<std::string>& nsm_path);

// The same, as an EIF ramdisk section. Files are opened when the section is written.
SectionProducer bootstrap_ramdisk_section(std::string init_path,
                                          std::optional<std::string> nsm_path);

}  // namespace eifkit
