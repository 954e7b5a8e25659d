// The diff report for people: each PCR's verdict, then what made each differing PCR differ,
// grouped by PCR, then what differs outside the PCRs.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

std::string diff_text(const nlohmann::json& report);

}  // namespace eifkit
