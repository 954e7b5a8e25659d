#include "lib/policy/policy_check.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "lib/base/error.h"
#include "lib/policy/build_record.h"
#include "lib/policy/policy_keys.h"
#include "lib/policy/policy_statement.h"

namespace eifkit {

namespace {

nlohmann::json statement_report(const Statement& s) {
  nlohmann::json j = {{"Index", s.index}};
  if (s.sid) j["Sid"] = *s.sid;
  return j;
}

nlohmann::json statement_entry(const Statement& s, const std::string& action) {
  nlohmann::json j = statement_report(s);
  j["Effect"] = s.allow ? "Allow" : "Deny";
  j["Match"] = match_name(s.match);
  j["Reason"] = statement_reason(s, action);
  nlohmann::json conditions = nlohmann::json::array();
  for (const Condition& c : s.conditions) {
    nlohmann::json e = {
        {"Operator", c.op}, {"Key", c.key}, {"Value", c.value}, {"Result", result_name(c.result)}};
    if (c.about_image()) e["Measured"] = c.measured ? nlohmann::json(*c.measured) : nullptr;
    if (!c.what.note.empty()) e["Note"] = c.what.note;
    conditions.push_back(std::move(e));
  }
  j["Conditions"] = std::move(conditions);
  return j;
}

void add_conditions(nlohmann::json& report, const std::vector<Condition>& conditions) {
  nlohmann::json condition = nlohmann::json::object(), measured = nlohmann::json::object();
  for (const Condition& c : conditions) {
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

// The decision, from the applying statements, as the key service makes it.
PolicyVerdict decide(const std::vector<Statement>& statements, const std::string& action) {
  std::vector<const Statement*> applying;
  for (const Statement& s : statements) {
    if (s.match != Match::kNotApplicable) applying.push_back(&s);
  }
  auto first = [&](auto pred) -> const Statement* {
    auto it = std::find_if(applying.begin(), applying.end(),
                           [&](const Statement* s) { return pred(*s); });
    return it == applying.end() ? nullptr : *it;
  };
  auto decided_by = [&](const Statement& s, nlohmann::json report, bool allowed,
                        const std::vector<Condition>& conditions) {
    report["Statement"] = statement_report(s);
    if (!conditions.empty()) add_conditions(report, conditions);
    return PolicyVerdict{allowed, std::move(report)};
  };

  if (const Statement* deny =
          first([](const Statement& s) { return !s.allow && s.match == Match::kMatches; })) {
    std::string why = deny->conditions.empty()
                          ? "it has no condition, and an explicit Deny always wins"
                          : describe_all(deny->conditions);
    return decided_by(
        *deny,
        verdict(false, action, "deny", statement_label(*deny) + " denies " + action + ": " + why),
        false, deny->conditions);
  }
  auto may_allow = [](const Statement& s) {
    return s.allow && (s.match == Match::kMatches || s.match == Match::kMayMatch);
  };
  const Statement* pinned =
      first([&](const Statement& s) { return may_allow(s) && s.pins_image(); });
  const Statement* allow = pinned ? pinned : first(may_allow);
  if (!allow) {
    const Statement* tried = first([](const Statement& s) { return s.allow; });
    if (!tried) {
      return {false, verdict(false, action, "no-matching-allow",
                             "no Allow statement applies to " + action)};
    }
    std::vector<Condition> failing;
    for (const Condition& c : tried->conditions) {
      if (c.result == Result::kFails) {
        failing.push_back(c);
        break;
      }
    }
    return decided_by(
        *tried,
        verdict(false, action, "no-matching-allow",
                "no Allow statement for " + action + " matches: in " + statement_label(*tried) +
                    ", " + statement_reason(*tried, action)),
        false, failing);
  }
  if (const Statement* deny =
          first([](const Statement& s) { return !s.allow && s.match == Match::kMayMatch; })) {
    return decided_by(
        *deny,
        verdict(false, action, "undetermined",
                statement_label(*deny) + " denies " + action + " if " +
                    premises(deny->unevaluated) +
                    ", which eifkit does not evaluate: the answer depends on the caller (" +
                    statement_label(*allow) + " allows " + action + " otherwise)"),
        false, deny->image_conditions());
  }
  if (allow->pins_image()) {
    return decided_by(*allow,
                      verdict(true, action, "allow",
                              statement_label(*allow) + " allows " + action + ": " +
                                  describe_all(allow->image_conditions())),
                      true, allow->image_conditions());
  }
  return decided_by(*allow,
                    verdict(true, action, "allow-without-attestation",
                            statement_label(*allow) + " allows " + action +
                                " with no attestation condition: the policy does not pin the "
                                "image for " +
                                action),
                    true, {});
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
  return check_policy(policy, policy_source, measurements, PolicyRequest{action, std::nullopt});
}

PolicyVerdict check_policy(const nlohmann::json& policy, const std::string& policy_source,
                           const PolicyMeasurements& measurements, const PolicyRequest& request) {
  if (!policy.is_object() || !policy.contains("Statement")) {
    fail(policy_source, "not a policy (expected a JSON object with a Statement)");
  }
  nlohmann::json list = policy["Statement"];
  if (list.is_object()) list = nlohmann::json::array({list});
  if (!list.is_array()) fail(policy_source, "Statement is not an object or a list");
  const PolicyDialect dialect = policy_dialect(policy);

  std::vector<Statement> statements;
  for (size_t i = 0; i < list.size(); ++i) {
    statements.push_back(
        evaluate_statement(list[i], i, dialect, request, policy_source, measurements));
  }
  PolicyVerdict v = decide(statements, request.action);

  nlohmann::json entries = nlohmann::json::array(), unevaluated = nlohmann::json::array(),
                 unknown = nlohmann::json::array();
  for (const Statement& s : statements) {
    entries.push_back(statement_entry(s, request.action));
    for (const Condition& c : s.conditions) {
      if (c.what.kind != ConditionKey::Kind::kUnknownAttestation) continue;
      nlohmann::json e = statement_report(s);
      e["Key"] = c.key;
      e["Note"] = c.what.note;
      unknown.push_back(std::move(e));
    }
    // Only where it could change the statement's outcome: a statement that fails on the image
    // (or on the named caller) fails whatever the rest says.
    if (s.match != Match::kMayMatch) continue;
    for (const Unevaluated& u : s.unevaluated) {
      nlohmann::json e = statement_report(s);
      e["Element"] = u.element;
      if (u.element == "Condition") {
        e["Operator"] = u.op;
        e["Key"] = u.key;
      }
      e["Value"] = u.value;
      unevaluated.push_back(std::move(e));
    }
  }
  v.report["Statements"] = std::move(entries);
  v.report["Unevaluated"] = std::move(unevaluated);
  v.report["UnknownKeys"] = std::move(unknown);
  return v;
}

std::string unevaluated_summary(const PolicyVerdict& verdict, bool conditions_only) {
  std::string text;
  for (const nlohmann::json& u : verdict.report.value("Unevaluated", nlohmann::json::array())) {
    if (conditions_only && u["Element"] != "Condition") continue;
    std::string item = "statement " + std::to_string(u["Index"].get<size_t>()) + ": ";
    item += u["Element"] == "Condition"
                ? u["Operator"].get<std::string>() + " on " + u["Key"].get<std::string>()
                : u["Element"].get<std::string>() + " " + u["Value"].dump();
    text += (text.empty() ? "" : "; ") + item;
  }
  return text;
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
