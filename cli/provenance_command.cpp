// eifkit provenance: an in-toto Statement of a build (its measurements and build record, or
// SLSA Provenance v1), unsigned or signed into a DSSE envelope with the signers build and
// sign take; `provenance verify` checks such an envelope. `attest` is its old name, kept as a
// hidden alias.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/old_spellings.h"
#include "cli/signing_flags.h"
#include "cli/subcommand.h"
#include "formats/hex.h"
#include "formats/pkcs11_uri.h"
#include "lib/base/atomic_output.h"
#include "lib/base/byte_strings.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/output_conflicts.h"
#include "lib/policy/build_record.h"
#include "lib/provenance/dsse_signing.h"
#include "lib/provenance/intoto_statement.h"
#include "lib/provenance/provenance_verify.h"
#include "lib/provenance/slsa_provenance.h"

namespace eifkit::cli {

namespace {

struct ProvenanceOptions {
  std::string record, output, eif, predicate = "measurements", builder_id = kDefaultBuilderId;
  std::string certificate, key, export_payload, signature;
  std::optional<std::string> pkcs11_module;
};

struct VerifyOptions {
  std::string envelope, certificate;
  std::optional<std::string> eif, record;
};

constexpr const char* kDescription =
    "Write an in-toto Statement of a build (its measurements, or SLSA provenance) whose "
    "subject is the EIF; signed into a DSSE envelope with --signing-certificate";

void add_flags(CLI::App* app, ProvenanceOptions& o) {
  app->add_option("record", o.record, "Build record (JSON) or EIF file");
  CLI::Option* output = app->add_option(
      "--output", o.output, "Write the statement (or envelope) here, atomically (default: stdout)");
  add_old_spelling(app, "--out", output, o.output);
  app->add_option("--eif", o.eif,
                  "The EIF the record describes (default: the record's Eif.Path, when there); "
                  "a record that does not match it is refused");
  app->add_option("--predicate", o.predicate,
                  "measurements (the PCRs and the build record) or slsa (SLSA Provenance v1: "
                  "builder, image, layers and boot files as dependencies, PCRs as byproducts)")
      ->check(CLI::IsMember({"measurements", "slsa"}))
      ->type_name("{measurements,slsa}")
      ->default_str("measurements");
  app->add_option("--builder-id", o.builder_id,
                  "With --predicate slsa: the URI of what ran the build (a CI workflow's, say)")
      ->default_str(kDefaultBuilderId);
  std::string group = "Signing (a DSSE envelope)";
  app->add_option("--signing-certificate", o.certificate,
                  "Sign with the key of this certificate (PEM, EC P-256/P-384/P-521)")
      ->check(CLI::ExistingFile)
      ->group(group);
  app->add_option("--private-key", o.key,
                  "The certificate's private key: a PEM file, or a pkcs11: URI of a key in a "
                  "token")
      ->group(group);
  add_pkcs11_module_option(app, o.pkcs11_module)->group(group);
  app->add_option("--export-payload", o.export_payload,
                  "Step 1: write the bytes to be signed (DSSE's PAE) here, and their digest to "
                  "FILE.sha384 (or .sha256/.sha512, to match the curve)")
      ->group(group);
  app->add_option("--signature", o.signature,
                  "Step 3: make the envelope with the signature made elsewhere in step 2 (DER "
                  "ECDSA, or raw r||s)")
      ->check(CLI::ExistingFile)
      ->group(group);
}

nlohmann::json statement_of(const ProvenanceOptions& o) {
  nlohmann::json record = load_record(o.record);
  refuse_stale_record(record, o.record, o.eif);
  if (o.predicate == "slsa") return slsa_statement(record, o.record, o.builder_id);
  if (o.builder_id != kDefaultBuilderId) {
    throw Error("--builder-id: only with --predicate slsa");
  }
  return intoto_statement(record, o.record);
}

void write_text(const std::string& output, const std::string& text) {
  if (output.empty()) {
    std::cout << text << std::flush;
    return;
  }
  write_file_atomically(output, text);
}

int run_provenance(const ProvenanceOptions& o) {
  if (o.record.empty()) {
    throw Error("provenance needs a RECORD (or: eifkit provenance verify ENVELOPE ...)");
  }
  int modes = !o.key.empty() + !o.export_payload.empty() + !o.signature.empty();
  if (o.certificate.empty() && modes > 0) {
    throw Error("--private-key, --export-payload and --signature go with --signing-certificate");
  }
  if (!o.certificate.empty() && modes != 1) {
    throw Error(
        "--signing-certificate needs exactly one of --private-key, --export-payload, "
        "--signature");
  }
  if (!o.key.empty()) refuse_kms_key_arn(o.key, o.certificate);
  std::optional<Signer> signer;
  std::optional<Certificate> cert;
  if (!o.certificate.empty()) {
    cert = Certificate::from_pem_file(o.certificate);
    cert->curve();  // refuses RSA and Ed25519 before any work
  }
  std::string digest_file;
  if (!o.export_payload.empty()) {
    digest_file = o.export_payload + ".sha" + std::to_string(curve_digest_size(cert->curve()) * 8);
  }
  {
    std::vector<NamedPath> inputs = {{"the record", o.record}};
    if (!o.eif.empty()) inputs.push_back({"--eif", o.eif});
    if (!o.certificate.empty()) inputs.push_back({"--signing-certificate", o.certificate});
    if (!o.key.empty() && !is_pkcs11_uri(o.key)) inputs.push_back({"--private-key", o.key});
    if (!o.signature.empty()) inputs.push_back({"--signature", o.signature});
    std::vector<NamedPath> outputs;
    if (!o.output.empty()) outputs.push_back({"--output", o.output});
    if (!o.export_payload.empty()) {
      outputs.push_back({"--export-payload", o.export_payload});
      outputs.push_back({"the digest file", digest_file});
    }
    refuse_output_conflicts(inputs, outputs);
  }
  if (!o.export_payload.empty() && !o.output.empty()) {
    throw Error("--output: step 1 (--export-payload) writes the payload, not an envelope");
  }
  if (!o.key.empty()) signer = Signer::load(o.certificate, o.key, o.pkcs11_module);
  if (cert) warn_if_certificate_not_valid_now(*cert);

  nlohmann::json statement = statement_of(o);
  if (!cert) {
    if (o.output.empty()) {
      print_json(statement);
    } else {
      write_file_atomically(o.output, statement.dump(2) + "\n");
    }
    return 0;
  }
  std::vector<uint8_t> payload = statement_payload(statement);
  if (!o.export_payload.empty()) {
    SigningPayload p = dsse_signing_payload(payload, cert->curve());
    AtomicOutputs outputs;
    outputs.add(o.export_payload).file().write_all(p.to_be_signed);
    outputs.add(digest_file).file().write_all(p.digest);
    outputs.commit();
    print_json({{"PayloadFile", o.export_payload},
                {"DigestFile", digest_file},
                {"DigestAlgorithm", p.digest_algorithm},
                {"Digest", to_hex(p.digest)}});
    return 0;
  }
  std::string envelope = signer
                             ? signed_envelope(payload, *signer)
                             : envelope_from_signature(
                                   payload, *cert, read_small_file(o.signature, 4096), o.signature);
  write_text(o.output, envelope);
  return 0;
}

int run_verify(const VerifyOptions& o) {
  if (o.certificate.empty()) {
    throw Error("provenance verify needs --signing-certificate (whose key must have signed it)");
  }
  Certificate cert = Certificate::from_pem_file(o.certificate);
  cert.curve();  // refuses RSA and Ed25519 before the envelope is read
  ProvenanceVerdict verdict = verify_provenance(o.envelope, cert, {o.eif, o.record});
  print_json(verdict.report);
  for (const nlohmann::json& line : verdict.report["Failed"]) {
    std::cerr << "eifkit: " << o.envelope << ": " << printable(line.get<std::string>())
              << std::endl;
  }
  return verdict.verified ? 0 : 1;
}

void add_verify(CLI::App* app, VerifyOptions& o) {
  app->add_option("envelope", o.envelope, "DSSE envelope (JSON) that provenance wrote")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--signing-certificate", o.certificate,
                  "The certificate (PEM) whose key must have signed the envelope")
      ->check(CLI::ExistingFile);
  app->add_option("--eif", o.eif,
                  "The statement's subject must be this EIF (its SHA-256 and SHA-384), and its "
                  "PCRs, recomputed, the ones vouched for")
      ->check(CLI::ExistingFile);
  app->add_option("--record", o.record,
                  "A build record that must describe the same EIF with the same PCRs")
      ->check(CLI::ExistingFile);
}

void add_command(CLI::App* app, std::vector<Subcommand>& commands) {
  auto o = std::make_shared<ProvenanceOptions>();
  add_flags(app, *o);
  auto v = std::make_shared<VerifyOptions>();
  CLI::App* verify = app->add_subcommand(
      "verify",
      "Check a signed provenance envelope: its signature with a certificate, its subject "
      "against an EIF or build record; print the PCRs it vouches for");
  add_verify(verify, *v);
  app->require_subcommand(0, 1);
  commands.push_back(
      {app, [o, v, verify] { return verify->parsed() ? run_verify(*v) : run_provenance(*o); }});
}

}  // namespace

std::vector<Subcommand> add_provenance_command(CLI::App& parent) {
  std::vector<Subcommand> commands;
  add_command(parent.add_subcommand("provenance", kDescription), commands);
  add_command(add_old_command(&parent, "attest", "provenance", kDescription), commands);
  return commands;
}

}  // namespace eifkit::cli
