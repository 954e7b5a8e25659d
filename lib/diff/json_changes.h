// The fields two JSON documents disagree on (metadata sections, build records), as dotted
// paths to leaves: "BuildMetadata.BuildTime", "DockerInfo.RepoTags[0]".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eifkit {

struct JsonChanges {
  nlohmann::json list = nlohmann::json::array();  // [{"Field", "A"?, "B"?}]: absent where missing
  size_t count = 0;                               // all of them, listed or not
};

// Walks both documents together (iteratively: depth comes from the input) and lists at most
// `max_listed` differing leaves, in document order of A then B's extra fields. Fields named in
// `ignored` (top-level dotted paths) are skipped.
JsonChanges json_changes(const nlohmann::json& a, const nlohmann::json& b, size_t max_listed,
                         const std::vector<std::string>& ignored = {});

}  // namespace eifkit
