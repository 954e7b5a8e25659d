// Two kernel command lines compared word by word: the words each has where they differ,
// after the words they share at the start and the end.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

// {"Equal", "A", "B" (the text, trailing NULs and newlines dropped), "Removed": [words of A],
// "Added": [words of B]}.
nlohmann::json diff_cmdlines(const std::string& a, const std::string& b);

}  // namespace eifkit
