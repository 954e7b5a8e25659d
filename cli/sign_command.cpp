// eifkit sign: add or replace an EIF's signature, with a key here or in two steps with a key
// that never leaves an HSM or a cloud KMS.
#include <iostream>
#include <memory>

#include "cli/old_spellings.h"
#include "cli/progress_display.h"
#include "cli/sign_options.h"
#include "cli/signing_flags.h"
#include "cli/subcommand.h"
#include "formats/hex.h"
#include "formats/pkcs11_uri.h"
#include "lib/base/atomic_output.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/output_conflicts.h"
#include "lib/eif/eif_reader.h"
#include "lib/eif/eif_resign.h"
#include "lib/policy/build_record.h"
#include "lib/signing/eif_signature.h"
#include "lib/signing/pcr8.h"

namespace eifkit::cli {

namespace {

// The files sign reads and those it writes. The EIF may be written over (signing in place,
// also when --output names it); nothing else may.
void refuse_conflicts(const SignOptions& o, const std::string& signed_eif,
                      const std::string& digest_file) {
  std::vector<NamedPath> inputs = {{"--signing-certificate", o.certificate}};
  // A pkcs11: URI names no file, and may hold a PIN: it has no place in a conflict message.
  if (!o.key.empty() && !is_pkcs11_uri(o.key)) inputs.push_back({"--private-key", o.key});
  if (!o.signature.empty()) inputs.push_back({"--signature", o.signature});
  std::vector<NamedPath> outputs;
  if (!o.export_payload.empty()) {
    outputs = {{"--export-payload", o.export_payload}, {"the digest file", digest_file}};
  } else {
    outputs = {{o.output.empty() ? "the EIF" : "--output", signed_eif}};
  }
  if (!o.measurements_out.empty()) outputs.push_back({"--measurements-out", o.measurements_out});
  if (!o.export_payload.empty() || !same_file(signed_eif, o.eif)) {
    inputs.push_back({"the EIF", o.eif});
  }
  refuse_output_conflicts(inputs, outputs);
}

}  // namespace

int run_sign(const SignOptions& o) {
  if (o.certificate.empty()) throw Error("sign needs --signing-certificate");
  int modes = !o.key.empty() + !o.export_payload.empty() + !o.signature.empty();
  if (modes != 1) {
    throw Error("sign needs exactly one of --private-key, --export-payload, --signature");
  }
  if (!o.measurements_out.empty() && !o.export_payload.empty()) {
    throw Error(
        "--measurements-out goes with the signing step (--private-key or --signature), "
        "not with --export-payload");
  }
  if (!o.key.empty()) refuse_kms_key_arn(o.key, o.certificate);
  Certificate cert = Certificate::from_pem_file(o.certificate);
  Curve curve = cert.curve();  // refuses RSA and Ed25519 before any work
  std::string digest_file =
      o.export_payload + "." + "sha" + std::to_string(curve_digest_size(curve) * 8);
  std::string signed_eif = o.output.empty() ? o.eif : o.output;
  refuse_conflicts(o, signed_eif, digest_file);
  std::optional<Signer> signer;
  if (!o.key.empty()) signer = Signer::load(o.certificate, o.key, o.pkcs11_module);
  warn_if_certificate_not_valid_now(cert);

  EifImage image = open_eif(o.eif);
  ProgressDisplay display(o.progress, "eifkit sign");
  ScanOptions scan_options;
  scan_options.progress = display.progress();
  EifScan scan = scan_eif(image, scan_options);
  if (!scan.crc_ok) fail(o.eif, crc_mismatch(image, scan) + ": refusing to sign a damaged image");
  const Pcr& pcr0 = scan.measurements.pcr0;

  if (!o.export_payload.empty()) {
    require_signature_section_fits(cert, pcr0);  // step 2 would refuse it
    SigningPayload payload = signing_payload(pcr0, curve);
    AtomicOutputs outputs;
    outputs.add(o.export_payload).file().write_all(payload.to_be_signed);
    outputs.add(digest_file).file().write_all(payload.digest);
    outputs.commit();
    display.finish();
    print_json({{"PayloadFile", o.export_payload},
                {"DigestFile", digest_file},
                {"DigestAlgorithm", payload.digest_algorithm},
                {"Digest", to_hex(payload.digest)},
                {"PCR0", to_hex(pcr0)}});
    return 0;
  }
  std::vector<uint8_t> section =
      signer ? signer->section_for(scan.measurements)
             : signature_section_from_signature(pcr0, cert, read_small_file(o.signature, 4096),
                                                o.signature);
  // The signed EIF is renamed into place before its record, so a record never describes an
  // image that is not there.
  AtomicOutputs outputs;
  AtomicOutput& eif = outputs.add(signed_eif);
  AtomicOutput* record = o.measurements_out.empty() ? nullptr : &outputs.add(o.measurements_out);
  EifWriteResult result = rewrite_with_signature(image, section, eif.file(), display.progress());
  if (record) {
    std::string text = build_record_from_eif(eif.read_path(), signed_eif).dump(2) + "\n";
    record->file().write_all({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }
  outputs.commit();
  display.finish();
  result.measurements.pcr8 = pcr8_of_certificate(cert);
  print_json({{"Measurements", measurements_json(result.measurements)}});
  return 0;
}

Subcommand add_sign_command(CLI::App& parent) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* app = parent.add_subcommand(
      "sign",
      "Sign an EIF (in place, or to --output), or export its signing payload for an "
      "external signer and insert the signature made there");
  app->add_option("eif", o->eif, "EIF to sign")->required()->check(CLI::ExistingFile);
  CLI::Option* certificate = app->add_option("--signing-certificate", o->certificate,
                                             "Signing certificate (PEM, EC P-256/P-384/P-521)")
                                 ->check(CLI::ExistingFile);
  add_old_spelling(app, "--certificate", certificate, o->certificate)->check(CLI::ExistingFile);
  // Not checked as a file here: an AWS KMS key ARN gets its own explanation.
  app->add_option(
      "--private-key", o->key,
      "The certificate's private key: a PEM file, or a pkcs11: URI of a key in a token");
  add_pkcs11_module_option(app, o->pkcs11_module);
  app->add_option("--output", o->output, "Write the signed EIF here instead of in place");
  app->add_option("--export-payload", o->export_payload,
                  "Step 1: write the bytes to be signed here, and their digest to FILE.sha384 "
                  "(or .sha256/.sha512, to match the curve)");
  app->add_option("--signature", o->signature,
                  "Step 3: insert the signature made elsewhere in step 2 (DER ECDSA, or raw r||s)")
      ->check(CLI::ExistingFile);
  add_progress_option(app, o->progress);
  app->add_option("--measurements-out", o->measurements_out,
                  "Also write the signed image's build record (JSON, as build writes it)");
  return {app, [o] { return run_sign(*o); }};
}

}  // namespace eifkit::cli
