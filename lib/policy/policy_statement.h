// One statement of a key policy, evaluated for one request as the key service evaluates it:
// does it cover the action, which of its conditions hold, fail or are left unevaluated (those
// about the caller), and so does it match, may it match, or not. policy_check.h decides from
// these; the rules are written there.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/policy/policy_check.h"
#include "lib/policy/policy_keys.h"

namespace eifkit {

enum class Result { kHolds, kFails, kUnevaluated };

struct Condition {
  std::string op;
  std::string key;       // as written in the policy
  nlohmann::json value;  // as written
  ConditionKey what;
  std::optional<std::string> measured;  // nullopt: the request has no such key
  bool matches_a_value = false;         // the measured value equals one of the listed values
  Result result = Result::kUnevaluated;
  bool about_image() const { return what.kind != ConditionKey::Kind::kOther; }
};

// Something about the caller that eifkit cannot evaluate: a condition on another key, or a
// Principal when the caller's ARN is not given.
struct Unevaluated {
  std::string element;  // "Condition", "Principal", "NotPrincipal"
  std::string op, key;  // Condition only
  nlohmann::json value;
};

enum class Match { kNotApplicable, kMatches, kMayMatch, kDoesNotMatch };

struct Statement {
  size_t index = 0;
  std::optional<std::string> sid;
  bool allow = false;
  Match match = Match::kNotApplicable;
  std::string not_applicable;  // why the statement does not cover the action
  std::string excluded;        // why the Principal does not name the caller, when it does not
  std::vector<Condition> conditions;
  std::vector<Unevaluated> unevaluated;

  // Has a condition on a measurement key (or one that looks like it).
  bool pins_image() const {
    return std::any_of(conditions.begin(), conditions.end(),
                       [](const Condition& c) { return c.about_image(); });
  }
  std::vector<Condition> image_conditions() const {
    std::vector<Condition> out;
    for (const Condition& c : conditions) {
      if (c.about_image()) out.push_back(c);
    }
    return out;
  }
};

// The statement at `index` of the policy, its effect, and for a statement that covers the
// action, its conditions and principal evaluated. Errors name policy_source: Statement[i].
Statement evaluate_statement(const nlohmann::json& s, size_t index, PolicyDialect dialect,
                             const PolicyRequest& request, const std::string& policy_source,
                             const PolicyMeasurements& measurements);

// The words of the reports.
std::string statement_label(const Statement& s);  // statement 1 ("Sid")
std::string describe(const Condition& c);
std::string describe_all(const std::vector<Condition>& conditions);
// As the premise of a Deny: "its Bool condition on aws:SecureTransport holds and ...".
std::string premises(const std::vector<Unevaluated>& items);
std::string statement_reason(const Statement& s, const std::string& action);
const char* match_name(Match m);    // "may-match"
const char* result_name(Result r);  // "not-evaluated"

}  // namespace eifkit
