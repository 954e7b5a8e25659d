// The streaming EIF writer: one pass, each section copied to its final offset while PCR0/1/2
// and the CRC are computed over the same bytes. Memory does not depend on section sizes.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "formats/eif_header.h"
#include "formats/eif_section.h"
#include "lib/base/byte_sink.h"
#include "lib/base/file.h"
#include "lib/base/progress.h"
#include "lib/hash/measurements.h"

namespace eifkit {

// Writes one section's data into the sink; its size need not be known beforehand.
using SectionProducer = std::function<void(ByteSink&)>;

struct SectionPlan {
  SectionType type;
  SectionProducer produce;
};

// Sections in file order; nitro-cli's order is kernel, cmdline, metadata, ramdisks.
struct EifPlan {
  Arch arch = Arch::kX86_64;
  std::vector<SectionPlan> sections;
  // For signed builds: called once every section above is written and measured; returns the
  // signature section's data, which is appended last. The signature covers PCR0, so it can
  // only be made after the ramdisks have streamed past.
  std::function<std::vector<uint8_t>(const Measurements&)> sign;
  // Header fields kept when an existing image is rewritten.
  uint16_t version = kEifVersion;
  uint64_t default_mem = 1024ull * 1024 * 1024;
  uint64_t default_cpus = 2;
  // Counts every section byte written; the caller begins the phase, knowing its total.
  Progress* progress = nullptr;
};

struct EifWriteResult {
  Measurements measurements;
  EifHeader header;  // as written, CRC included
};

SectionProducer file_section(std::string path);
SectionProducer bytes_section(std::vector<uint8_t> bytes);

// Writes the EIF into `out` (seekable, empty) from offset 0.
EifWriteResult write_eif(const EifPlan& plan, File& out);
// Writes atomically to `output_path`: the target is untouched on any error.
EifWriteResult write_eif_file(const EifPlan& plan, const std::string& output_path);

}  // namespace eifkit
