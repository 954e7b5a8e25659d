#include "lib/policy/policy_values.h"

#include <algorithm>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"

namespace eifkit {

std::vector<int> default_policy_pcrs(const std::vector<PolicyRecord>& records,
                                     std::vector<int> base) {
  bool all_signed = !records.empty();
  for (const PolicyRecord& r : records) {
    all_signed = all_signed && record_pcrs(r.record, r.source).signed_image();
  }
  if (all_signed && std::find(base.begin(), base.end(), 8) == base.end()) base.push_back(8);
  return base;
}

std::vector<MergedPcr> merge_policy_pcrs(const std::vector<PolicyRecord>& records,
                                         const std::vector<int>& pcrs) {
  if (records.empty()) throw Error("no build record given");
  std::vector<RecordPcrs> parsed;
  for (const PolicyRecord& r : records) {
    parsed.push_back(record_pcrs(r.record, r.source));
    const RecordPcrs& first = parsed.front();
    if (parsed.back().hash_algorithm != first.hash_algorithm) {
      fail(r.source, "PCRs are " + parsed.back().hash_algorithm + " but " + records[0].source +
                         "'s are " + first.hash_algorithm +
                         ": records merged into one policy must agree on the hash algorithm");
    }
  }
  if (parsed[0].hash_algorithm != "Sha384") {
    fail(records[0].source,
         "PCRs are " + parsed[0].hash_algorithm + "; AWS KMS and Huawei KMS compare SHA-384 PCRs");
  }
  std::vector<MergedPcr> merged;
  for (int pcr : pcrs) {
    MergedPcr m{pcr, {}};
    const std::string name = "PCR" + std::to_string(pcr);
    for (size_t i = 0; i < records.size(); ++i) {
      auto it = parsed[i].values.find(pcr);
      if (it == parsed[i].values.end()) {
        fail(records[i].source, pcr == 8 ? "PCR8 requested, but the image is not signed"
                                         : name + " requested, but the record has no " + name);
      }
      if (it->second.find_first_not_of('0') == std::string::npos) {
        fail(records[i].source, name + " is all zeros, the value a debug-mode enclave reports: " +
                                    "a policy must never contain it");
      }
      if (std::find(m.values.begin(), m.values.end(), it->second) == m.values.end()) {
        m.values.push_back(it->second);
      }
    }
    merged.push_back(std::move(m));
  }
  return merged;
}

nlohmann::json value_list(const std::vector<std::string>& values) {
  return nlohmann::json(values);
}

nlohmann::json string_or_list(const std::vector<std::string>& values) {
  return values.size() == 1 ? nlohmann::json(values.front()) : nlohmann::json(values);
}

}  // namespace eifkit
