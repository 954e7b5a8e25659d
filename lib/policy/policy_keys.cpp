#include "lib/policy/policy_keys.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace eifkit {

namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool starts_ignore_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && equal_ignore_case(text.substr(0, prefix.size()), prefix);
}

// "0" to "31": no sign, no leading zero, no space.
int pcr_index(std::string_view digits) {
  if (digits.empty() || digits.size() > 2 || (digits.size() == 2 && digits[0] == '0') ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  int n = std::stoi(std::string(digits));
  return n <= 31 ? n : -1;
}

constexpr std::string_view kPrefix = "kms:RecipientAttestation";

std::vector<std::string> principal_strings(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& e : v) {
      if (e.is_string()) out.push_back(e.get<std::string>());
    }
  }
  return out;
}

// Field n of arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (1 is the partition, 4 the
// account), or "" when the text is not shaped so.
std::string arn_field(const std::string& arn, int n) {
  if (!arn.starts_with("arn:")) return "";
  size_t at = 0;
  for (int field = 0; field < n; ++field) {
    at = arn.find(':', at);
    if (at == std::string::npos) return "";
    ++at;
  }
  size_t end = arn.find(':', at);
  return end == std::string::npos ? "" : arn.substr(at, end - at);
}

}  // namespace

bool equal_ignore_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return lower(x) == lower(y); });
}

PolicyDialect policy_dialect(const nlohmann::json& policy) {
  if (policy.is_object()) {
    auto version = policy.find("Version");
    if (version != policy.end() && (*version == "5.0" || *version == "1.1")) {
      return PolicyDialect::kHuawei;
    }
  }
  return PolicyDialect::kAws;
}

ConditionKey classify_condition_key(const std::string& key, PolicyDialect dialect) {
  ConditionKey out;
  if (!starts_ignore_case(key, kPrefix)) return out;
  std::string_view rest = std::string_view(key).substr(kPrefix.size());
  const char own = dialect == PolicyDialect::kAws ? ':' : '/';
  const char* service = dialect == PolicyDialect::kAws ? "AWS KMS" : "Huawei KMS";
  std::string own_prefix(kPrefix);
  own_prefix += own;
  if (!rest.empty() && rest[0] == own) {
    std::string_view name = rest.substr(1);
    int pcr = starts_ignore_case(name, "PCR") ? pcr_index(name.substr(3)) : -1;
    if (pcr < 0 && dialect == PolicyDialect::kAws && equal_ignore_case(name, "ImageSha384")) {
      pcr = 0;
    }
    if (pcr >= 0) {
      out.kind = ConditionKey::Kind::kMeasurement;
      out.pcr = pcr;
      return out;
    }
  }
  out.kind = ConditionKey::Kind::kUnknownAttestation;
  const char other = own == ':' ? '/' : ':';
  if (!rest.empty() && rest[0] == other) {
    out.note = std::string("it is ") + (own == ':' ? "Huawei's" : "AWS's") + " spelling; " +
               service + " sets " + own_prefix + std::string(rest.substr(1));
  } else {
    out.note = std::string(service) + " sets " + own_prefix + "PCR0 to " + own_prefix + "PCR31" +
               (dialect == PolicyDialect::kAws ? " and " + own_prefix + "ImageSha384" : "") +
               ", PCR numbers in plain decimal";
  }
  return out;
}

bool principal_is_everyone(const nlohmann::json& principal) {
  if (principal == "*") return true;
  if (!principal.is_object() || principal.size() != 1 || !principal.contains("AWS")) return false;
  std::vector<std::string> aws = principal_strings(principal["AWS"]);
  return std::find(aws.begin(), aws.end(), "*") != aws.end();
}

bool principal_names(const nlohmann::json& principal, const std::string& caller) {
  if (principal_is_everyone(principal)) return true;
  if (!principal.is_object() || !principal.contains("AWS")) return false;
  const std::string account = arn_field(caller, 4);
  std::string root = "arn:";
  root += arn_field(caller, 1);
  root += ":iam::";
  root += account;
  root += ":root";
  for (const std::string& p : principal_strings(principal["AWS"])) {
    if (p == "*" || p == caller) return true;
    if (!account.empty() && (p == account || p == root)) return true;
  }
  return false;
}

}  // namespace eifkit
