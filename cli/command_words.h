// --cmd and --entrypoint values: a JSON list of strings, or words as a shell splits them.
#pragma once

#include <string>
#include <vector>

namespace eifkit::cli {

// `flag` names the option in errors.
std::vector<std::string> parse_command(const std::string& flag, const std::string& value);

}  // namespace eifkit::cli
