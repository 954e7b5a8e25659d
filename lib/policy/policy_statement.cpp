#include "lib/policy/policy_statement.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "lib/base/error.h"

namespace eifkit {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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

// "" when the statement covers the action, else why not.
std::string not_covering(const nlohmann::json& s, const std::string& action,
                         const std::string& where) {
  auto matches = [&](const char* field) {
    std::vector<std::string> patterns = string_list(s[field], where, field);
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return glob_match(p, action); });
  };
  if (s.contains("Action") && s.contains("NotAction")) {
    fail(where, "has both Action and NotAction; AWS rejects such a statement");
  }
  if (s.contains("Action")) return matches("Action") ? "" : "its Action does not cover " + action;
  if (s.contains("NotAction")) {
    return matches("NotAction") ? "its NotAction covers " + action : "";
  }
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

Condition evaluate(const std::string& op, const std::string& key, const nlohmann::json& value,
                   PolicyDialect dialect, const std::string& where, Measured& measured) {
  Condition c{op,
              key,
              value,
              classify_condition_key(key, dialect),
              std::nullopt,
              false,
              Result::kUnevaluated};
  if (!c.about_image()) return c;
  auto known = std::find_if(kOperators.begin(), kOperators.end(),
                            [&](const Operator& o) { return op == o.name; });
  if (known == kOperators.end()) {
    fail(where, "operator " + op + " on " + key +
                    " is not supported (policy check evaluates StringEqualsIgnoreCase, "
                    "StringNotEqualsIgnoreCase, StringEquals and StringNotEquals)");
  }
  if (c.what.kind == ConditionKey::Kind::kMeasurement) {
    c.measured = measured.value(c.what.pcr, key, where);
  }
  for (const std::string& v : string_list(value, where, "Condition." + op + "." + key)) {
    c.matches_a_value =
        c.matches_a_value ||
        (c.measured && (known->ignore_case ? equal_ignore_case(v, *c.measured) : v == *c.measured));
  }
  // IAM: a key absent from the request matches no value, so a negated operator holds.
  c.result = c.matches_a_value != known->negated ? Result::kHolds : Result::kFails;
  return c;
}

// The caller's side of the statement: its Principal or NotPrincipal.
void evaluate_principal(const nlohmann::json& s, const PolicyRequest& request,
                        const std::string& where, Statement& st) {
  if (s.contains("Principal") && s.contains("NotPrincipal")) {
    fail(where, "has both Principal and NotPrincipal; AWS rejects such a statement");
  }
  for (const char* element : {"Principal", "NotPrincipal"}) {
    auto it = s.find(element);
    if (it == s.end()) continue;
    const bool negated = element[0] == 'N';
    if (!negated && principal_is_everyone(*it)) continue;
    if (!request.principal) {
      st.unevaluated.push_back({element, "", "", *it});
      continue;
    }
    if (principal_names(*it, *request.principal) == negated) {
      st.excluded = std::string("its ") + element + " " + it->dump() +
                    (negated ? " names " : " does not name ") + *request.principal;
    }
  }
}

}  // namespace

Statement evaluate_statement(const nlohmann::json& s, size_t index, PolicyDialect dialect,
                             const PolicyRequest& request, const std::string& policy_source,
                             const PolicyMeasurements& measurements) {
  Measured measured(measurements);
  const std::string where = statement_where(policy_source, index);
  if (!s.is_object()) fail(where, "is not an object");
  auto effect = s.find("Effect");
  if (effect == s.end() || !effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
    fail(where, "Effect is not \"Allow\" or \"Deny\"");
  }
  Statement st;
  st.index = index;
  st.allow = *effect == "Allow";
  if (auto it = s.find("Sid"); it != s.end() && it->is_string()) st.sid = it->get<std::string>();
  st.not_applicable = not_covering(s, request.action, where);
  if (!st.not_applicable.empty()) return st;

  evaluate_principal(s, request, where, st);
  auto condition = s.find("Condition");
  if (condition != s.end() && !condition->is_null()) {
    if (!condition->is_object()) fail(where, "Condition is not an object");
    for (auto& [op, block] : condition->items()) {
      if (!block.is_object()) fail(where, "Condition." + op + " is not an object");
      for (auto& [key, value] : block.items()) {
        st.conditions.push_back(evaluate(op, key, value, dialect, where, measured));
        if (!st.conditions.back().about_image()) {
          st.unevaluated.push_back({"Condition", op, key, value});
        }
      }
    }
  }
  bool fails = !st.excluded.empty() ||
               std::any_of(st.conditions.begin(), st.conditions.end(),
                           [](const Condition& c) { return c.result == Result::kFails; });
  st.match = fails                    ? Match::kDoesNotMatch
             : st.unevaluated.empty() ? Match::kMatches
                                      : Match::kMayMatch;
  return st;
}

namespace {

std::string short_hex(const std::string& hex) {
  return hex.size() > 16 ? hex.substr(0, 16) + "..." : hex;
}

std::string describe(const Unevaluated& u) {
  if (u.element == "Condition") return u.op + " on " + u.key;
  return u.element + " " + u.value.dump();
}

std::string describe_all(const std::vector<Unevaluated>& items) {
  std::string text;
  for (const Unevaluated& u : items) text += (text.empty() ? "" : ", ") + describe(u);
  return text;
}

std::string premise(const Unevaluated& u) {
  if (u.element == "Condition") return "its " + u.op + " condition on " + u.key + " holds";
  return (u.element == "Principal" ? "the caller is its Principal "
                                   : "the caller is not its NotPrincipal ") +
         u.value.dump();
}

}  // namespace

std::string statement_label(const Statement& s) {
  return "statement " + std::to_string(s.index) + (s.sid ? " (\"" + *s.sid + "\")" : "");
}

std::string describe(const Condition& c) {
  const char* holds = c.result == Result::kHolds ? "holds" : "does not hold";
  if (c.what.kind == ConditionKey::Kind::kUnknownAttestation) {
    return c.key + " is never set (" + c.what.note + "), so its " + c.op + " condition " + holds;
  }
  if (!c.measured) {
    return c.key + " is absent (no attestation document), so its " + c.op + " condition " + holds;
  }
  size_t n = c.value.is_array() ? c.value.size() : 1;
  std::string which = c.matches_a_value ? "one of the values"
                      : n == 1          ? "not the value"
                                        : "none of the " + std::to_string(n) + " values";
  return c.key + " is " + short_hex(*c.measured) + ", " + which + " its " + c.op +
         " condition lists";
}

std::string describe_all(const std::vector<Condition>& conditions) {
  std::string text;
  for (const Condition& c : conditions) text += (text.empty() ? "" : "; ") + describe(c);
  return text;
}

std::string premises(const std::vector<Unevaluated>& items) {
  std::string text;
  for (const Unevaluated& u : items) {
    if (!text.empty()) text += " and ";
    text += premise(u);
  }
  return text;
}

std::string statement_reason(const Statement& s, const std::string& action) {
  switch (s.match) {
    case Match::kNotApplicable:
      return s.not_applicable;
    case Match::kDoesNotMatch: {
      if (!s.excluded.empty()) return s.excluded;
      auto failing = std::find_if(s.conditions.begin(), s.conditions.end(),
                                  [](const Condition& c) { return c.result == Result::kFails; });
      return describe(*failing);
    }
    case Match::kMatches:
      return s.conditions.empty() ? "it covers " + action + " with no condition"
                                  : "every condition holds: " + describe_all(s.conditions);
    case Match::kMayMatch: {
      std::string image = s.pins_image() ? "its conditions on the image hold; it "
                                         : "it has no condition on the image; it ";
      return image + "applies only when the caller meets what eifkit does not evaluate: " +
             describe_all(s.unevaluated);
    }
  }
  return "";
}

const char* match_name(Match m) {
  switch (m) {
    case Match::kNotApplicable:
      return "not-applicable";
    case Match::kMatches:
      return "matches";
    case Match::kMayMatch:
      return "may-match";
    case Match::kDoesNotMatch:
      return "does-not-match";
  }
  return "";
}

const char* result_name(Result r) {
  switch (r) {
    case Result::kHolds:
      return "holds";
    case Result::kFails:
      return "fails";
    case Result::kUnevaluated:
      return "not-evaluated";
  }
  return "";
}

}  // namespace eifkit
