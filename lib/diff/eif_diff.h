// Two EIFs compared part by part, each part with the PCRs it feeds, so that every PCR that
// differs is explained by the parts that made it differ.
#pragma once

#include <nlohmann/json.hpp>

#include "lib/diff/diff_options.h"
#include "lib/diff/eif_side.h"

namespace eifkit {

// The report `eifkit diff` prints for two EIFs (its keys are documented in
// man/eifkit-diff.1): "Pcrs", "Causes", "Header", "Sections", "Kernel", "Cmdline", "Ramdisks",
// "Metadata", "Signature", "PcrsEqual", "Identical", "OnlyOutsidePcrs".
nlohmann::json diff_eifs(EifSide& a, EifSide& b, const DiffOptions& options);

}  // namespace eifkit
