#include "lib/diff/record_diff.h"

#include <limits>
#include <map>

#include "lib/diff/json_changes.h"

namespace eifkit {

using nlohmann::json;

// PCR number -> value, from a record load_record checked.
static std::map<int, std::string> pcrs_of(const json& record) {
  std::map<int, std::string> out;
  for (auto& [key, value] : record["Measurements"].items()) {
    if (key.rfind("PCR", 0) == 0 && value.is_string()) out[std::stoi(key.substr(3))] = value;
  }
  return out;
}

json diff_records(const json& a, const json& b, const DiffOptions& options) {
  std::map<int, std::string> pa = pcrs_of(a), pb = pcrs_of(b);
  std::map<int, bool> numbers;
  for (auto& [n, v] : pa) numbers[n];
  for (auto& [n, v] : pb) numbers[n];
  json pcrs = json::object();
  bool pcrs_equal = true;
  for (auto& [n, unused] : numbers) {
    json va = pa.contains(n) ? json(pa[n]) : json(nullptr);
    json vb = pb.contains(n) ? json(pb[n]) : json(nullptr);
    pcrs["PCR" + std::to_string(n)] = {{"Equal", va == vb}, {"A", va}, {"B", vb}};
    pcrs_equal = pcrs_equal && va == vb;
  }

  // The path is where a file was, not what it is.
  JsonChanges all = json_changes(a, b, std::numeric_limits<size_t>::max(),
                                 {"Eif.Path", "Measurements", "RecordVersion"});
  json changes = json::array(), only_a = json::array(), only_b = json::array();
  size_t count = 0;
  for (json& c : all.list) {
    if (!c.contains("B")) {
      only_a.push_back(c["Field"]);
    } else if (!c.contains("A")) {
      only_b.push_back(c["Field"]);
    } else if (count++ < options.max_changes) {
      changes.push_back(std::move(c));
    }
  }
  json identical = nullptr;
  const json* sa = a.contains("Eif") ? &a["Eif"] : nullptr;
  const json* sb = b.contains("Eif") ? &b["Eif"] : nullptr;
  if (sa && sb && sa->contains("Sha384") && sb->contains("Sha384")) {
    identical = (*sa)["Sha384"] == (*sb)["Sha384"];
  }
  return {{"Pcrs", std::move(pcrs)},
          {"PcrsEqual", pcrs_equal},
          {"Identical", identical},
          {"OnlyOutsidePcrs", pcrs_equal && identical == false},
          {"Record",
           {{"Changes", std::move(changes)},
            {"Count", count},
            {"Truncated", count > options.max_changes},
            {"OnlyInA", std::move(only_a)},
            {"OnlyInB", std::move(only_b)}}}};
}

}  // namespace eifkit
