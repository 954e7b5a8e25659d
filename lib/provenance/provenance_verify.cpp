#include "lib/provenance/provenance_verify.h"

#include <map>
#include <regex>

#include "formats/bounded_json.h"
#include "formats/dsse_envelope.h"
#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/json_read.h"
#include "lib/policy/build_record.h"
#include "lib/provenance/dsse_signing.h"
#include "lib/provenance/intoto_statement.h"
#include "lib/provenance/slsa_provenance.h"
#include "lib/signing/ecdsa_signature.h"

namespace eifkit {

namespace {

bool signature_verifies(const DsseSignature& s, const Certificate& cert,
                        const SigningPayload& payload) {
  try {
    std::vector<uint8_t> raw = signature_to_raw(s.sig, cert.curve(), "signature");
    return cert.verify_digest(payload.digest, raw);
  } catch (const Error&) {
    return false;  // not an ECDSA signature of this curve: not one that verifies
  }
}

struct Subject {
  std::string name, sha256, sha384;
};

Subject subject_of(const nlohmann::json& statement, const std::string& where) {
  const nlohmann::json& subjects = array_field(statement, "subject", where);
  if (subjects.size() != 1) {
    fail(where, "names " + std::to_string(subjects.size()) +
                    " subjects; eifkit's statements name one EIF");
  }
  const std::string at = where + ": subject[0]";
  if (!subjects[0].is_object()) fail(at, "is not an object");
  Subject s;
  s.name = string_field(subjects[0], "name", at);
  const nlohmann::json& digest = object_field(subjects[0], "digest", at);
  s.sha256 = optional_string(digest, "sha256", at + ".digest").value_or("");
  s.sha384 = optional_string(digest, "sha384", at + ".digest").value_or("");
  if (s.sha384.size() != 96) fail(at, "has no SHA-384 digest of 96 hex digits");
  return s;
}

// PCR number -> lowercase hex, from either predicate eifkit writes.
std::map<int, std::string> vouched_pcrs(const nlohmann::json& statement,
                                        const std::string& predicate_type,
                                        const std::string& where) {
  std::map<int, std::string> pcrs;
  const nlohmann::json& predicate = object_field(statement, "predicate", where);
  if (predicate_type == kEnclaveMeasurementsPredicateType) {
    nlohmann::json record = {{"Measurements", object_field(predicate, "measurements", where)}};
    return record_pcrs(record, where + ": predicate").values;
  }
  static const std::regex pcr_name("PCR([0-9]|[12][0-9]|3[01])");
  const nlohmann::json& run = object_field(predicate, "runDetails", where + ": predicate");
  const nlohmann::json& byproducts = array_field(run, "byproducts", where + ": runDetails");
  for (const nlohmann::json& b : byproducts) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) continue;
    std::smatch m;
    const std::string& name = b["name"].get_ref<const std::string&>();
    if (!std::regex_match(name, m, pcr_name)) continue;
    nlohmann::json record = {
        {"Measurements",
         {{"HashAlgorithm", "Sha384 { ... }"},
          {name, b.contains("digest") && b["digest"].is_object() && b["digest"].contains("sha384")
                     ? b["digest"]["sha384"]
                     : nlohmann::json()}}}};
    for (const auto& [index, value] : record_pcrs(record, where + ": byproducts").values) {
      pcrs[index] = value;
    }
  }
  if (pcrs.empty()) fail(where, "vouches for no PCR (runDetails.byproducts names none)");
  return pcrs;
}

nlohmann::json measurements_of(const std::map<int, std::string>& pcrs) {
  nlohmann::json m = {{"HashAlgorithm", "Sha384 { ... }"}};
  for (const auto& [index, value] : pcrs) m["PCR" + std::to_string(index)] = value;
  return m;
}

std::string short_hex(const std::string& hex) {
  return hex.substr(0, 16) + "…";
}

// Each PCR the statement vouches for against `actual` (a record's); empty when they agree.
std::string pcr_difference(const std::map<int, std::string>& vouched,
                           const std::map<int, std::string>& actual, const std::string& what) {
  for (const auto& [index, value] : vouched) {
    auto it = actual.find(index);
    if (it == actual.end() || it->second != value) {
      return "PCR" + std::to_string(index) + " of " + what + " is " +
             (it == actual.end() ? std::string("absent") : short_hex(it->second)) +
             ", but the statement vouches for " + short_hex(value);
    }
  }
  for (const auto& [index, value] : actual) {
    if (!vouched.contains(index)) {
      return what + " has PCR" + std::to_string(index) + ", which the statement does not vouch for";
    }
  }
  return "";
}

}  // namespace

ProvenanceVerdict verify_provenance(const std::string& envelope_path, const Certificate& cert,
                                    const ProvenanceExpectations& expected) {
  std::vector<uint8_t> bytes = read_small_file(envelope_path, kMaxEnvelopeSize);
  std::string problem;
  std::optional<DsseEnvelope> envelope = decode_dsse_envelope(bytes, problem);
  if (!envelope) fail(envelope_path, problem);
  if (envelope->payload_type != kInTotoPayloadType) {
    fail(envelope_path, "payloadType is \"" + envelope->payload_type + "\", not \"" +
                            std::string(kInTotoPayloadType) + "\": not an in-toto statement");
  }
  ProvenanceVerdict verdict;
  nlohmann::json& report = verdict.report;
  nlohmann::json failed = nlohmann::json::array();
  report["Signer"] = signer_json(cert);
  SigningPayload payload = dsse_signing_payload(envelope->payload, cert.curve());
  bool signature_ok = false;
  for (const DsseSignature& s : envelope->signatures) {
    signature_ok = signature_ok || signature_verifies(s, cert, payload);
  }
  report["Checks"]["Signature"] = signature_ok;
  if (!signature_ok) {
    failed.push_back("no signature in it verifies with " + cert.origin() +
                     "'s key: the payload or the signature was changed, or another key signed it");
    report["Verified"] = false;
    report["Failed"] = failed;
    return verdict;
  }

  // Signed by the expected key: now its contents are worth reading.
  const std::string where = envelope_path + ": payload";
  std::string json_problem;
  std::optional<nlohmann::json> statement =
      decode_bounded(envelope->payload, JsonSyntax::kJson, kMaxJsonDepth, json_problem);
  if (!statement || !statement->is_object()) {
    fail(where, "is not an in-toto statement: " +
                    (statement ? std::string("not a JSON object") : json_problem));
  }
  if (string_field(*statement, "_type", where) != kInTotoStatementType) {
    fail(where, "_type is not " + std::string(kInTotoStatementType));
  }
  std::string predicate_type = string_field(*statement, "predicateType", where);
  if (predicate_type != kEnclaveMeasurementsPredicateType &&
      predicate_type != kSlsaProvenancePredicateType) {
    fail(where, "predicateType " + predicate_type + " is not one eifkit writes (" +
                    kEnclaveMeasurementsPredicateType + ", " + kSlsaProvenancePredicateType + ")");
  }
  Subject subject = subject_of(*statement, where);
  std::map<int, std::string> pcrs = vouched_pcrs(*statement, predicate_type, where);
  report["PredicateType"] = predicate_type;
  report["Subject"] = {
      {"Name", subject.name}, {"Sha256", subject.sha256}, {"Sha384", subject.sha384}};
  report["Measurements"] = measurements_of(pcrs);

  auto check_against = [&](const char* check, const nlohmann::json& record,
                           const std::string& what) {
    const nlohmann::json& eif = record.at("Eif");
    std::string sha384 = eif.value("Sha384", "");
    std::string sha256 = eif.value("Sha256", "");
    if (sha384 != subject.sha384 || (!subject.sha256.empty() && sha256 != subject.sha256)) {
      report["Checks"][check] = false;
      failed.push_back(what + ": SHA-384 " + short_hex(sha384) + " is not the subject's " +
                       short_hex(subject.sha384) + ": the statement is about another EIF");
      return;
    }
    report["Checks"][check] = true;
    std::string difference = pcr_difference(pcrs, record_pcrs(record, what).values, what);
    report["Checks"]["Measurements"] = difference.empty();
    if (!difference.empty()) failed.push_back(difference);
  };
  if (expected.eif) {
    FileDigests d = file_digests(*expected.eif);
    nlohmann::json digests = {
        {"Eif", {{"Sha256", to_hex(d.sha256)}, {"Sha384", to_hex(d.sha384)}}}};
    if (to_hex(d.sha384) != subject.sha384) {
      check_against("Subject", digests, *expected.eif);
    } else {
      // The same bytes: their PCRs, recomputed, must be the ones vouched for.
      check_against("Subject", build_record_from_eif(*expected.eif), *expected.eif);
    }
  }
  if (expected.record) {
    nlohmann::json record = load_record(*expected.record);
    if (!record.contains("Eif") || !record["Eif"].is_object() ||
        !record["Eif"].contains("Sha384")) {
      fail(*expected.record, "has no Eif digests to compare with the statement's subject");
    }
    check_against("Record", record, *expected.record);
  }
  report["Failed"] = failed;
  verdict.verified = failed.empty();
  report["Verified"] = verdict.verified;
  return verdict;
}

}  // namespace eifkit
