// eifkit attestation show|verify: decode an enclave's attestation document, and check it is
// genuine (signature, certificate chain, root, validity), of the expected image (PCRs) and
// fresh (nonce, user_data, public_key). verify exits 0 when every check passes, 1 when one
// fails, 2 when the document is unusable; its warnings (the verdict stands) go to stderr.
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/attestation_flags.h"
#include "cli/subcommand.h"
#include "cli/value_flags.h"
#include "formats/hex.h"
#include "lib/attestation/attestation_verify.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/policy/build_record.h"
#include "lib/signing/public_key.h"

namespace eifkit::cli {

namespace {

std::vector<uint8_t> hex_flag(const char* flag, const std::string& value) {
  std::optional<std::vector<uint8_t>> bytes = from_hex(value);
  if (!bytes) throw Error(std::string(flag) + ": '" + value + "' is not hex");
  return *bytes;
}

// A PEM public key file (compared as its DER SubjectPublicKeyInfo), a DER file, or hex.
std::vector<uint8_t> public_key_flag(const std::string& value) {
  if (!std::filesystem::is_regular_file(value)) return hex_flag("--public-key", value);
  std::vector<uint8_t> bytes = read_small_file(value, 64 << 10);
  static constexpr std::string_view kPem = "-----BEGIN";
  if (std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()).find(kPem) !=
      std::string_view::npos) {
    return public_key_der_from_pem(bytes, value);
  }
  return bytes;
}

// "N=HEX"
std::pair<int, std::string> pcr_flag(const std::string& text) {
  size_t eq = text.find('=');
  std::string n = text.substr(0, eq);
  bool number = eq != std::string::npos && !n.empty() && n.size() <= 2 &&
                n.find_first_not_of("0123456789") == std::string::npos && std::stoi(n) <= 31;
  if (!number) throw Error("--pcr: '" + text + "' is not N=HEX with N from 0 to 31");
  int index = std::stoi(n);
  return {index, parse_pcr_value("--pcr", index, text.substr(eq + 1))};
}

ExpectedPcrs pcrs_of_record(const nlohmann::json& record, const std::string& source) {
  RecordPcrs pcrs = record_pcrs(record, source);
  return {pcrs.values, source};
}

Subcommand add_show(CLI::App& parent) {
  auto doc = std::make_shared<std::string>();
  auto at = std::make_shared<std::string>("now");
  CLI::App* app = parent.add_subcommand(
      "show", "Print an attestation document's fields as JSON (nothing is checked)");
  app->add_option("document", *doc, "Attestation document: CBOR, or base64 or hex of it")
      ->required();
  app->add_option("--at", *at,
                  "Report each certificate's validity at now (default), doc or an RFC 3339 time");
  return {app, [doc, at] {
            AttestationInput input = read_attestation_input(*doc);
            std::string problem;
            std::optional<DecodedAttestation> d = decode_attestation(std::move(input), problem);
            if (!d) fail(*doc, problem);
            CheckTime t = parse_at_flag(*at, std::time(nullptr));
            print_json(attestation_json(*d, resolve_check_time(t, d->document)));
            return 0;
          }};
}

struct VerifyFlags {
  std::string document;
  AttestationFlags attestation;
  std::string eif, record;
  std::optional<std::string> nonce, user_data, public_key;
  std::vector<std::string> pcrs;
};

// An expectation given empty would check nothing: in a script, that is a variable that was
// never set, and the freshness check it stood for would silently vanish.
const std::string& non_empty(const char* flag, const std::string& value) {
  if (value.empty()) {
    throw Error(std::string(flag) + ": the expected value is empty, which would check nothing " +
                "(an unset variable?): give it, or leave " + flag + " out");
  }
  return value;
}

// Every --pcr N=HEX; one index given twice is refused, whatever the values, so the verdict
// never depends on the flags' order.
ExpectedPcrs pcrs_of_flags(const std::vector<std::string>& flags) {
  ExpectedPcrs expected{{}, "--pcr"};
  for (const std::string& p : flags) {
    auto [index, value] = pcr_flag(p);
    auto [it, inserted] = expected.values.emplace(index, value);
    if (!inserted) {
      throw Error("--pcr: PCR" + std::to_string(index) + " is given twice (" +
                  it->second.substr(0, 16) + "... and " + value.substr(0, 16) +
                  "...): give each PCR once");
    }
  }
  return expected;
}

Subcommand add_verify(CLI::App& parent) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* app = parent.add_subcommand(
      "verify",
      "Check an attestation document's signature, certificate chain, root and validity, and "
      "optionally its PCRs, nonce, user_data and public_key: exit 0 verified, 1 a check "
      "failed, 2 unusable");
  app->add_option("document", f->document, "Attestation document: CBOR, or base64 or hex of it")
      ->required();
  add_attestation_flags(*app, f->attestation);
  auto* eif = app->add_option("--eif", f->eif, "Expect the PCRs of this EIF (recomputed)")
                  ->check(CLI::ExistingFile);
  auto* record = app->add_option("--record", f->record, "Expect the PCRs of this build record")
                     ->check(CLI::ExistingFile)
                     ->excludes(eif);
  app->add_option("--pcr", f->pcrs, "Expect PCR N to be HEX: N=HEX (repeatable)")
      ->excludes(eif)
      ->excludes(record);
  app->add_option("--nonce", f->nonce, "Expect this nonce (hex)");
  app->add_option("--user-data", f->user_data, "Expect this user_data (hex)");
  app->add_option("--public-key", f->public_key,
                  "Expect this public_key: a PEM file (compared as DER SubjectPublicKeyInfo), "
                  "a DER file, or hex");
  return {app, [f] {
            AttestationVerifyOptions o = attestation_options(f->attestation);
            if (!f->eif.empty()) {
              o.pcrs = pcrs_of_record(build_record_from_eif(f->eif), f->eif);
            } else if (!f->record.empty()) {
              o.pcrs = pcrs_of_record(load_record(f->record), f->record);
            } else if (!f->pcrs.empty()) {
              o.pcrs = pcrs_of_flags(f->pcrs);
            }
            if (f->nonce) o.nonce = hex_flag("--nonce", non_empty("--nonce", *f->nonce));
            if (f->user_data) {
              o.user_data = hex_flag("--user-data", non_empty("--user-data", *f->user_data));
            }
            if (f->public_key) {
              o.public_key = public_key_flag(non_empty("--public-key", *f->public_key));
            }
            AttestationVerdict v = verify_attestation(read_attestation_input(f->document), o);
            print_json(v.report);
            for (const std::string& w : v.warnings) {
              std::cerr << "eifkit: warning: " << f->document << ": " << w << std::endl;
            }
            if (v.status == AttestationVerdict::Status::kUnusable) {
              std::cerr << "eifkit: " << f->document << ": " << v.problem << std::endl;
              return 2;
            }
            return v.status == AttestationVerdict::Status::kVerified ? 0 : 1;
          }};
}

}  // namespace

Subcommand add_attestation_command(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "attestation", "Show or verify an enclave's attestation document (AWS Nitro, QingTian)");
  app->require_subcommand(1);
  std::vector<Subcommand> commands = {add_show(*app), add_verify(*app)};
  return {app, [commands] {
            for (const Subcommand& c : commands) {
              if (c.app->parsed()) return c.run();
            }
            return 2;
          }};
}

}  // namespace eifkit::cli
