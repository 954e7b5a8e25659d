// A build record against another, or against an EIF's record: when only the record of the old
// build was kept, diff still compares what a record holds (PCRs, file digests, image, build,
// signer), though not the sections behind them.
#pragma once

#include <nlohmann/json.hpp>

#include "lib/diff/diff_options.h"

namespace eifkit {

// {"Pcrs": {"PCRn": {"Equal", "A", "B"}} (every PCR either has), "PcrsEqual", "Identical"
// (Eif.Sha384 equal; null when a side has none), "OnlyOutsidePcrs", "Record": {"Changes":
// [{"Field", "A", "B"}], "Count", "Truncated", "OnlyInA": [fields], "OnlyInB": [fields]}}.
nlohmann::json diff_records(const nlohmann::json& a, const nlohmann::json& b,
                            const DiffOptions& options);

}  // namespace eifkit
