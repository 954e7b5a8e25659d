#include "lib/policy/policy_check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"

namespace eifkit {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool equal_ignore_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

// IAM action patterns: case-insensitive, '*' any run, '?' any one character.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

struct Operator {
  const char* name;
  bool negated;
  bool ignore_case;
};
constexpr std::array<Operator, 4> kOperators = {{{"StringEqualsIgnoreCase", false, true},
                                                 {"StringNotEqualsIgnoreCase", true, true},
                                                 {"StringEquals", false, false},
                                                 {"StringNotEquals", true, false}}};

struct AttestationCondition {
  std::string op;
  std::string key;       // as written in the policy
  nlohmann::json value;  // as written: a string or a list
  int pcr = 0;
  std::optional<std::string> measured;  // nullopt: the request has no attestation document
  bool matches_a_value = false;         // the measured value equals one of the listed values
  bool holds = false;
};

struct Statement {
  size_t index = 0;
  std::optional<std::string> sid;
  bool allow = false;
  std::vector<AttestationCondition> conditions;
};

// PCR number of an attestation condition key, -1 for a key about something else.
int attestation_pcr(const std::string& key, const std::string& where) {
  static constexpr std::string_view kPrefix = "kms:RecipientAttestation";
  if (key.size() <= kPrefix.size() ||
      !equal_ignore_case(std::string_view(key).substr(0, kPrefix.size()), kPrefix)) {
    return -1;
  }
  if (key[kPrefix.size()] != ':' && key[kPrefix.size()] != '/') return -1;
  std::string_view rest = std::string_view(key).substr(kPrefix.size() + 1);
  if (equal_ignore_case(rest, "ImageSha384")) return 0;
  if (rest.size() >= 4 && rest.size() <= 5 && equal_ignore_case(rest.substr(0, 3), "PCR") &&
      std::all_of(rest.begin() + 3, rest.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int n = std::stoi(std::string(rest.substr(3)));
    if (n <= 31) return n;
  }
  fail(where, "unknown attestation condition key \"" + key + "\"");
}

std::string statement_where(const std::string& policy_source, size_t index) {
  return policy_source + ": Statement[" + std::to_string(index) + "]";
}

std::vector<std::string> string_list(const nlohmann::json& value, const std::string& where,
                                     const std::string& what) {
  if (value.is_string()) return {value.get<std::string>()};
  if (value.is_array() &&
      std::all_of(value.begin(), value.end(), [](auto& v) { return v.is_string(); })) {
    return value.get<std::vector<std::string>>();
  }
  fail(where, what + " is not a string or a list of strings");
}

bool applies_to(const nlohmann::json& s, const std::string& action, const std::string& where) {
  auto matches = [&](const char* field) {
    std::vector<std::string> patterns = string_list(s[field], where, field);
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return glob_match(p, action); });
  };
  if (s.contains("Action")) return matches("Action");
  if (s.contains("NotAction")) return !matches("NotAction");
  fail(where, "has neither Action nor NotAction");
}

// The value a condition's key has in the request, or nullopt when the request has none.
class Measured {
 public:
  explicit Measured(const PolicyMeasurements& m) : m_(m) {}

  std::optional<std::string> value(int pcr, const std::string& key, const std::string& where) {
    if (m_.no_document) return std::nullopt;
    if (auto it = m_.pcrs.find(pcr); it != m_.pcrs.end()) return it->second;
    if (pcr == 8 && m_.unsigned_pcr8_is_zero) return std::string(m_.hex_digits, '0');
    fail(m_.source, "no PCR" + std::to_string(pcr) + " in " + m_.what +
                        ", needed by the condition on " + key + " in " + where);
  }

 private:
  const PolicyMeasurements& m_;
};

std::vector<AttestationCondition> attestation_conditions(const nlohmann::json& s,
                                                         const std::string& where,
                                                         Measured& measured) {
  std::vector<AttestationCondition> out;
  auto condition = s.find("Condition");
  if (condition == s.end() || condition->is_null()) return out;
  if (!condition->is_object()) fail(where, "Condition is not an object");
  for (auto& [op, block] : condition->items()) {
    if (!block.is_object()) fail(where, "Condition." + op + " is not an object");
    for (auto& [key, value] : block.items()) {
      int pcr = attestation_pcr(key, where);
      if (pcr < 0) continue;
      // A named copy: clang before 16 cannot capture a structured binding.
      const std::string& op_name = op;
      auto known = std::find_if(kOperators.begin(), kOperators.end(),
                                [&](const Operator& o) { return op_name == o.name; });
      if (known == kOperators.end()) {
        fail(where, "operator " + op + " on " + key +
                        " is not supported (policy check evaluates StringEqualsIgnoreCase, "
                        "StringNotEqualsIgnoreCase, StringEquals and StringNotEquals)");
      }
      AttestationCondition c{op, key, value, pcr, measured.value(pcr, key, where), false, false};
      for (const std::string& v : string_list(value, where, "Condition." + op + "." + key)) {
        c.matches_a_value = c.matches_a_value ||
                            (c.measured && (known->ignore_case ? equal_ignore_case(v, *c.measured)
                                                               : v == *c.measured));
      }
      // IAM: a key absent from the request matches no value, so a negated operator holds.
      c.holds = c.matches_a_value != known->negated;
      out.push_back(std::move(c));
    }
  }
  return out;
}

nlohmann::json statement_report(const Statement& s) {
  nlohmann::json j = {{"Index", s.index}};
  if (s.sid) j["Sid"] = *s.sid;
  return j;
}

std::string statement_label(const Statement& s) {
  return "statement " + std::to_string(s.index) + (s.sid ? " (\"" + *s.sid + "\")" : "");
}

std::string short_hex(const std::string& hex) {
  return hex.size() > 16 ? hex.substr(0, 16) + "..." : hex;
}

std::string describe(const AttestationCondition& c) {
  size_t n = c.value.is_array() ? c.value.size() : 1;
  std::string which = c.matches_a_value ? "one of the values"
                      : n == 1          ? "not the value"
                                        : "none of the " + std::to_string(n) + " values";
  if (!c.measured) {
    return c.key + " is absent (no attestation document), so its " + c.op + " condition " +
           (c.holds ? "holds" : "does not hold");
  }
  return c.key + " is " + short_hex(*c.measured) + ", " + which + " its " + c.op +
         " condition lists";
}

std::string describe_all(const std::vector<AttestationCondition>& conditions) {
  std::string text;
  for (const AttestationCondition& c : conditions) text += (text.empty() ? "" : "; ") + describe(c);
  return text;
}

void add_conditions(nlohmann::json& report, const std::vector<AttestationCondition>& conditions) {
  nlohmann::json condition = nlohmann::json::object(), measured = nlohmann::json::object();
  for (const AttestationCondition& c : conditions) {
    condition[c.op][c.key] = c.value;
    measured[c.key] = c.measured ? nlohmann::json(*c.measured) : nlohmann::json(nullptr);
  }
  report["Condition"] = condition;
  report["Measured"] = measured;
}

nlohmann::json verdict(bool allowed, const std::string& action, const char* decision,
                       const std::string& reason) {
  return {{"Allowed", allowed}, {"Action", action},     {"Decision", decision},
          {"Reason", reason},   {"Statement", nullptr}, {"Condition", nullptr},
          {"Measured", nullptr}};
}

}  // namespace

PolicyMeasurements record_measurements(const nlohmann::json& record, const std::string& source) {
  RecordPcrs pcrs = record_pcrs(record, source);
  PolicyMeasurements m;
  m.source = source;
  m.what = "the record";
  m.pcrs = pcrs.values;
  m.hex_digits = pcrs.hex_digits;
  m.unsigned_pcr8_is_zero = true;  // an unsigned image's attestation document reports zeros
  return m;
}

PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const nlohmann::json& record, const std::string& record_source,
                           const std::string& action) {
  return check_policy(policy, policy_source, record_measurements(record, record_source), action);
}

PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const PolicyMeasurements& measurements, const std::string& action) {
  if (!policy.is_object() || !policy.contains("Statement")) {
    fail(policy_source, "not a policy (expected a JSON object with a Statement)");
  }
  nlohmann::json list = policy["Statement"];
  if (list.is_object()) list = nlohmann::json::array({list});
  if (!list.is_array()) fail(policy_source, "Statement is not an object or a list");
  Measured measured(measurements);

  std::vector<Statement> applying;
  for (size_t i = 0; i < list.size(); ++i) {
    const nlohmann::json& s = list[i];
    const std::string where = statement_where(policy_source, i);
    if (!s.is_object()) fail(where, "is not an object");
    auto effect = s.find("Effect");
    if (effect == s.end() || !effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
      fail(where, "Effect is not \"Allow\" or \"Deny\"");
    }
    std::optional<std::string> sid;
    if (auto it = s.find("Sid"); it != s.end() && it->is_string()) sid = it->get<std::string>();
    if (!applies_to(s, action, where)) continue;
    applying.push_back({i, sid, *effect == "Allow", attestation_conditions(s, where, measured)});
  }
  auto all_hold = [](const Statement& s) {
    return std::all_of(s.conditions.begin(), s.conditions.end(),
                       [](const AttestationCondition& c) { return c.holds; });
  };

  for (const Statement& s : applying) {
    if (s.allow || s.conditions.empty() || !all_hold(s)) continue;
    nlohmann::json report =
        verdict(false, action, "deny",
                statement_label(s) + " denies " + action + ": " + describe_all(s.conditions));
    report["Statement"] = statement_report(s);
    add_conditions(report, s.conditions);
    return {false, report};
  }
  for (const Statement& s : applying) {
    if (!s.allow || s.conditions.empty() || !all_hold(s)) continue;
    nlohmann::json report =
        verdict(true, action, "allow",
                statement_label(s) + " allows " + action + ": " + describe_all(s.conditions));
    report["Statement"] = statement_report(s);
    add_conditions(report, s.conditions);
    return {true, report};
  }
  for (const Statement& s : applying) {
    if (!s.allow || !s.conditions.empty()) continue;
    nlohmann::json report = verdict(
        true, action, "allow-without-attestation",
        statement_label(s) + " allows " + action +
            " with no attestation condition: the policy does not pin the image for " + action);
    report["Statement"] = statement_report(s);
    return {true, report};
  }
  for (const Statement& s : applying) {
    if (!s.allow) continue;
    auto failing = std::find_if(s.conditions.begin(), s.conditions.end(),
                                [](const AttestationCondition& c) { return !c.holds; });
    nlohmann::json report = verdict(false, action, "no-matching-allow",
                                    "no Allow statement for " + action + " matches: in " +
                                        statement_label(s) + ", " + describe(*failing));
    report["Statement"] = statement_report(s);
    add_conditions(report, {*failing});
    return {false, report};
  }
  return {false,
          verdict(false, action, "no-matching-allow", "no Allow statement applies to " + action)};
}

std::string default_check_action(const nlohmann::json& policy) {
  if (policy.is_object()) {
    auto version = policy.find("Version");
    if (version != policy.end() && *version == "5.0") return "kms:cmk:decryptData";
    if (version != policy.end() && *version == "1.1") return "kms:cmk:decrypt";
  }
  return "kms:Decrypt";
}

}  // namespace eifkit
