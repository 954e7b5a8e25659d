// `eifkit diff A B`: two EIFs part by part, or, when either is a build record, their records.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lib/diff/diff_options.h"

namespace eifkit {

// The report, with "A" and "B": {"Path", "Kind": "eif"|"record"} and "Compared": "eif" or
// "record". Reads each EIF once; an unusable input is an Error naming it.
nlohmann::json diff_inputs(const std::string& a, const std::string& b, const DiffOptions& options);

}  // namespace eifkit
