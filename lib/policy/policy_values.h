// What every policy emitter starts from: the chosen PCRs of one or more build records, checked
// and merged into one value list per PCR (the old and the new image during a rollout).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eifkit {

// A build record and the name its errors give (its file).
struct PolicyRecord {
  std::string source;
  nlohmann::json record;
};

struct MergedPcr {
  int pcr = 0;
  std::vector<std::string> values;  // lowercase hex, deduplicated, in order of first appearance
};

// `base`, plus PCR8 when every record is signed: the default PCR set of the emitters.
std::vector<int> default_policy_pcrs(const std::vector<PolicyRecord>& records,
                                     std::vector<int> base);

// One MergedPcr per entry of `pcrs`, in that order. Refuses, with an Error naming the record:
// no records, records disagreeing on the hash algorithm, a hash algorithm other than SHA-384
// (what AWS KMS and Huawei KMS compare), malformed hex, PCR8 of an unsigned image, any other
// PCR missing from a record, and an all-zero value (what a debug-mode enclave reports).
std::vector<MergedPcr> merge_policy_pcrs(const std::vector<PolicyRecord>& records,
                                         const std::vector<int>& pcrs);

// A JSON list of the values, or for AWS a lone string when there is one.
nlohmann::json value_list(const std::vector<std::string>& values);
nlohmann::json string_or_list(const std::vector<std::string>& values);

}  // namespace eifkit
