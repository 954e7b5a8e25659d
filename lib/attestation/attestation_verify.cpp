#include "lib/attestation/attestation_verify.h"

#include <algorithm>
#include <cctype>

#include "formats/hex.h"
#include "lib/attestation/aws_nitro_root.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/signing/certificate_chain.h"

namespace eifkit {

namespace {

struct Root {
  Certificate cert;
  std::string source;
};

Root load_root(const std::optional<std::string>& path) {
  if (path) return {Certificate::from_pem_file(*path), *path};
  std::string_view pem = aws_nitro_root_pem();
  return {Certificate::from_pem({pem.begin(), pem.end()}, "the bundled AWS Nitro root"),
          "bundled: AWS Nitro Enclaves root G1"};
}

bool contains_ignore_case(std::string text, std::string_view word) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text.find(word) != std::string::npos;
}

class Checks {
 public:
  void record(const char* name, bool ok, const std::string& why) {
    checks_[name] = ok;
    if (!ok) {
      failed_.push_back(name);
      problems_[name] = why;
    }
  }
  bool passed() const { return failed_.empty(); }
  void put(nlohmann::json& report) const {
    report["Checks"] = checks_;
    report["Failed"] = failed_;
    if (!problems_.empty()) report["Problems"] = problems_;
    report["Verified"] = passed();
  }

 private:
  nlohmann::json checks_ = nlohmann::json::object();
  nlohmann::json failed_ = nlohmann::json::array();
  nlohmann::json problems_ = nlohmann::json::object();
};

std::string validity_of_all(const DecodedAttestation& d, std::time_t at) {
  std::vector<const Certificate*> all;
  for (const Certificate& c : d.cabundle) all.push_back(&c);
  all.push_back(&*d.leaf);
  for (const Certificate* c : all) {
    std::string why = c->validity_problem(at);
    if (!why.empty()) {
      return c->subject() + " " + why + " (checked at " + format_rfc3339_utc(at) + ")";
    }
  }
  return "";
}

// AWS's NSM API and QingTian's QTSM both define digest as "SHA384": the PCRs are SHA-384
// registers. Another name would mean another hash, whose PCRs no EIF's measurements match.
std::string digest_problem(const AttestationDocument& doc) {
  if (doc.digest == "SHA384") return "";
  constexpr size_t kShown = 32;
  std::string what = "digest is \"";
  what += doc.digest.substr(0, kShown);
  what += doc.digest.size() > kShown ? "...\"" : "\"";
  what += "; Nitro and QingTian documents are SHA384, so its PCRs cannot be compared";
  return what;
}

const char* check_time_source(const CheckTime& at) {
  switch (at.kind) {
    case CheckTime::Kind::kNow:
      return "now, by this machine's clock";
    case CheckTime::Kind::kDocument:
      return "the document's timestamp";
    case CheckTime::Kind::kGiven:
      break;
  }
  return "--at";
}

// 10000-01-01T00:00:00Z. X.509's times (UTCTime, GeneralizedTime) have four-digit years, so no
// certificate is valid from then on, and OpenSSL reports a "format error" in the
// certificate rather than a time it cannot compare.
constexpr std::time_t kYear10000 = 253402300800;

std::string past_year_9999(const CheckTime& at, std::time_t t) {
  std::string what = "the check time ";
  what += utc_z(t);
  what += " (";
  what += check_time_source(at);
  what += ") is past the year 9999, which no X.509 certificate can be valid at";
  return what;
}

// A document made after the time it is checked at: with --at doc this cannot happen, otherwise
// either a clock or the document's timestamp is wrong. The certificates' verdict is still the
// one asked for, so this only warns.
std::string future_timestamp(const CheckTime& at, std::time_t t, const AttestationDocument& doc) {
  if (at.kind == CheckTime::Kind::kDocument) return "";
  // Whole seconds, as the check time is: a document made within the second is not "after".
  if (static_cast<std::time_t>(doc.timestamp_ms / 1000) <= t) return "";
  std::string what = "the document's timestamp ";
  what += timestamp_text(doc.timestamp_ms);
  what += " is after the check time ";
  what += utc_z(t);
  what += " (";
  what += check_time_source(at);
  what +=
      "): it claims to be made later than it is checked, so its timestamp or the check time "
      "is wrong";
  return what;
}

void check_pcrs(const DecodedAttestation& d, const ExpectedPcrs& expected, Checks& checks) {
  std::map<uint64_t, std::string> reported;
  for (const auto& [index, value] : d.document.pcrs) reported[index] = to_hex(value);
  std::vector<std::string> wrong;
  for (const auto& [pcr, value] : expected.values) {
    auto it = reported.find(static_cast<uint64_t>(pcr));
    if (it == reported.end()) {
      wrong.push_back("the document has no PCR" + std::to_string(pcr));
    } else if (it->second != value) {
      wrong.push_back("PCR" + std::to_string(pcr) + " is " + it->second.substr(0, 16) + "..., " +
                      expected.source + " has " + value.substr(0, 16) + "...");
    }
  }
  // A debug-mode enclave reports zeros whatever it runs: even an expectation of zeros (a
  // record of nothing) must not pass, or any image could stand behind the document.
  const bool debug = is_debug_mode(d.document);
  std::string why;
  if (debug) {
    why =
        "the document comes from a debug-mode enclave (PCR0, PCR1 and PCR2 all zero): debug "
        "mode measures nothing, so no image's PCRs can match (" +
        expected.source + ")";
  } else {
    for (const std::string& w : wrong) why += (why.empty() ? "" : "; ") + w;
  }
  checks.record("PCRs", wrong.empty() && !debug, why);
}

void check_bytes(const char* name, const char* field, const OptionalBytesField& reported,
                 const std::optional<std::vector<uint8_t>>& expected, Checks& checks) {
  if (!expected) return;
  std::string actual = !reported.present ? "absent"
                       : reported.null   ? "null"
                                         : to_hex(reported.bytes);
  bool same = reported.present && !reported.null && reported.bytes == *expected;
  checks.record(name, same,
                std::string("the document's ") + field + " is " +
                    (actual.size() > 40 ? actual.substr(0, 40) + "..." : actual) + ", expected " +
                    to_hex(*expected).substr(0, 40) + (expected->size() > 20 ? "..." : ""));
}

}  // namespace

CheckTime parse_check_time(const std::string& text, std::time_t now) {
  if (text == "now") return {CheckTime::Kind::kNow, now};
  if (text == "doc") return {CheckTime::Kind::kDocument, 0};
  std::optional<std::time_t> t = parse_rfc3339(text);
  // A leap second cannot be checked against: timegm would move it to the next minute.
  if (!t || text.compare(17, 2, "60") == 0) {
    throw Error("--at: '" + text +
                "' is not now, doc or an RFC 3339 time (YYYY-MM-DDTHH:MM:SS[.fraction] then Z "
                "or +HH:MM, a date that exists, seconds 00 to 59)");
  }
  return {CheckTime::Kind::kGiven, *t};
}

std::time_t resolve_check_time(const CheckTime& at, const AttestationDocument& document) {
  return at.kind == CheckTime::Kind::kDocument
             ? static_cast<std::time_t>(document.timestamp_ms / 1000)
             : at.given;
}

AttestationVerdict verify_attestation(AttestationInput input, const AttestationVerifyOptions& o) {
  Root root = load_root(o.root_path);
  AttestationVerdict v;
  nlohmann::json& report = v.report;
  report["Document"] = input.path;
  Checks checks;
  std::optional<DecodedAttestation> decoded = decode_attestation(std::move(input), v.problem);
  if (decoded) {
    v.problem = digest_problem(decoded->document);
    if (!v.problem.empty()) decoded.reset();
  }
  checks.record("Decode", decoded.has_value(), v.problem);
  if (!decoded) {
    checks.put(report);
    return v;
  }
  const DecodedAttestation& d = *decoded;

  AttestationPlatform platform = o.platform ? *o.platform
                                 : contains_ignore_case(root.cert.subject(), "qingtian")
                                     ? AttestationPlatform::kQingTian
                                     : AttestationPlatform::kNitro;
  std::time_t at = resolve_check_time(o.at, d.document);

  SignatureFinding sig = check_attestation_signature(d, platform);
  checks.record("Signature", sig.valid, sig.problem);

  // Past 9999 the links are still judged, without a time, so that Chain names only real
  // link problems and Validity says why no time could be checked.
  const bool expressible = at < kYear10000;
  ChainFindings chain;
  if (d.cabundle.empty()) {
    chain.link_problem = "the cabundle is empty";
  } else {
    chain = check_certificate_chain(*d.leaf, std::span(d.cabundle).subspan(1), d.cabundle[0],
                                    expressible ? std::optional(at) : std::nullopt);
  }
  checks.record("Chain", chain.linked, chain.link_problem);
  std::string validity = !expressible                 ? past_year_9999(o.at, at)
                         : chain.time_problem.empty() ? validity_of_all(d, at)
                                                      : chain.time_problem;
  checks.record("Validity", validity.empty(), validity);
  bool pinned = !d.cabundle.empty() && d.cabundle[0].der() == root.cert.der();
  checks.record("Root", pinned,
                d.cabundle.empty()
                    ? "the cabundle is empty"
                    : "the chain ends at " + d.cabundle[0].subject() + " (SHA-256 " +
                          d.cabundle[0].sha256_fingerprint() + "), not at the pinned root " +
                          root.cert.subject() + " (SHA-256 " + root.cert.sha256_fingerprint() +
                          ", " + root.source + ")");
  if (o.pcrs) check_pcrs(d, *o.pcrs, checks);
  check_bytes("Nonce", "nonce", d.document.nonce, o.nonce, checks);
  check_bytes("UserData", "user_data", d.document.user_data, o.user_data, checks);
  check_bytes("PublicKey", "public_key", d.document.public_key, o.public_key, checks);

  report["Platform"] = platform_name(platform);
  report["PlatformFrom"] = o.platform ? "--encoding" : "root";
  report["Root"] = {{"Subject", root.cert.subject()},
                    {"Sha256Fingerprint", root.cert.sha256_fingerprint()},
                    {"Source", root.source}};
  report["At"] = format_rfc3339_utc(at);
  report["AtFrom"] = o.at.kind == CheckTime::Kind::kNow        ? "now"
                     : o.at.kind == CheckTime::Kind::kDocument ? "document timestamp"
                                                               : "--at";
  report["Attestation"] = attestation_json(d, at);
  if (std::string w = future_timestamp(o.at, at, d.document); !w.empty()) v.warnings.push_back(w);
  if (!v.warnings.empty()) report["Warnings"] = v.warnings;
  checks.put(report);
  v.status =
      checks.passed() ? AttestationVerdict::Status::kVerified : AttestationVerdict::Status::kFailed;
  v.decoded = std::move(decoded);
  return v;
}

}  // namespace eifkit
