// eifkit sign: add or replace an EIF's signature, with a key here or in two steps with a key
// that never leaves an HSM or a cloud KMS.
#include <iostream>
#include <memory>

#include "cli/subcommand.h"
#include "formats/hex.h"
#include "lib/base/atomic_output.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/eif/eif_reader.h"
#include "lib/eif/eif_resign.h"
#include "lib/signing/eif_signature.h"
#include "lib/signing/pcr8.h"

namespace eifkit::cli {

namespace {

struct SignOptions {
  std::string eif, certificate, key, output, export_payload, signature;
};

int run_sign(const SignOptions& o) {
  if (o.certificate.empty()) throw Error("sign needs --signing-certificate");
  int modes = !o.key.empty() + !o.export_payload.empty() + !o.signature.empty();
  if (modes != 1) {
    throw Error("sign needs exactly one of --private-key, --export-payload, --signature");
  }
  Certificate cert = Certificate::from_pem_file(o.certificate);
  Curve curve = cert.curve();  // refuses RSA and Ed25519 before any work
  std::optional<Signer> signer;
  if (!o.key.empty()) signer = Signer::load(o.certificate, o.key);

  EifImage image = open_eif(o.eif);
  EifScan scan = scan_eif(image);
  if (!scan.crc_ok) fail(o.eif, "CRC mismatch: refusing to sign a damaged image");
  const Pcr& pcr0 = scan.measurements.pcr0;

  if (!o.export_payload.empty()) {
    require_signature_section_fits(cert, pcr0);  // step 2 would refuse it
    SigningPayload payload = signing_payload(pcr0, curve);
    std::string digest_file = o.export_payload + "." + payload.digest_algorithm;
    write_file_atomically(o.export_payload, payload.to_be_signed);
    write_file_atomically(digest_file, payload.digest);
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
  EifWriteResult result =
      rewrite_with_signature(image, section, o.output.empty() ? o.eif : o.output);
  result.measurements.pcr8 = pcr8_of_certificate(cert);
  print_json({{"Measurements", measurements_json(result.measurements)}});
  return 0;
}

}  // namespace

Subcommand add_sign_command(CLI::App& parent) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* app = parent.add_subcommand(
      "sign",
      "Sign an EIF (in place, or to --output), or export its signing payload for an "
      "external signer and insert the signature made there");
  app->add_option("eif", o->eif, "EIF to sign")->required()->check(CLI::ExistingFile);
  app->add_option("--signing-certificate,--certificate", o->certificate,
                  "Signing certificate (PEM, EC P-256/P-384/P-521)")
      ->check(CLI::ExistingFile);
  app->add_option("--private-key", o->key, "The certificate's private key (PEM)")
      ->check(CLI::ExistingFile);
  app->add_option("--output", o->output, "Write the signed EIF here instead of in place");
  app->add_option("--export-payload", o->export_payload,
                  "Step 1: write the bytes to be signed here, and their digest to FILE.sha384 "
                  "(or .sha256/.sha512, to match the curve)");
  app->add_option("--signature", o->signature,
                  "Step 2: the signature made elsewhere (DER ECDSA, or raw r||s)")
      ->check(CLI::ExistingFile);
  return {app, [o] { return run_sign(*o); }};
}

}  // namespace eifkit::cli
