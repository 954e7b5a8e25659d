// eifkit keygen: an EC signing key and a self-signed certificate for signed images (PCR8).
#include <sys/stat.h>

#include <ctime>
#include <memory>

#include "cli/subcommand.h"
#include "formats/hex.h"
#include "lib/base/atomic_output.h"
#include "lib/base/error.h"
#include "lib/base/output_conflicts.h"
#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"
#include "lib/signing/ecdsa_signature.h"
#include "lib/signing/eif_signature.h"
#include "lib/signing/pcr8.h"
#include "lib/signing/private_key.h"

namespace eifkit::cli {

namespace {

struct KeygenOptions {
  std::string key, certificate, curve = "P-384", subject = "/CN=eifkit-enclave-signer";
  int days = 365;
  bool force = false;
};

int run_keygen(const KeygenOptions& o) {
  for (const std::string* path : {&o.key, &o.certificate}) {
    struct stat st;
    if (!o.force && ::stat(path->c_str(), &st) == 0) {
      fail(*path, "already exists; use --force to replace it");
    }
  }
  refuse_output_conflicts({}, {{"--private-key", o.key}, {"--certificate", o.certificate}});
  if (o.days < 1) throw Error("--days: must be at least 1");
  Curve curve = parse_curve(o.curve);
  PrivateKey key = PrivateKey::generate(curve);
  auto cert_pem = key.self_signed_certificate(o.subject, o.days, std::time(nullptr));
  Certificate cert = Certificate::from_pem(cert_pem, o.certificate);
  // Both written in full before either appears, so a failure leaves neither behind; then the
  // key first: a certificate without its key is useless.
  AtomicOutputs outputs;
  outputs.add(o.key, 0600).file().write_all(key.to_pem());
  outputs.add(o.certificate, 0644).file().write_all(cert_pem);
  outputs.commit();
  nlohmann::json described = cert.describe();
  print_json({{"PrivateKey", o.key},
              {"Certificate", o.certificate},
              {"Curve", curve_name(curve)},
              {"Subject", cert.subject()},
              {"NotBefore", described["NotBefore"]},
              {"NotAfter", described["NotAfter"]},
              {"PCR8", to_hex(pcr8_of_certificate(cert))}});
  return 0;
}

}  // namespace

Subcommand add_keygen_command(CLI::App& parent) {
  auto o = std::make_shared<KeygenOptions>();
  CLI::App* app = parent.add_subcommand(
      "keygen", "Create an EC signing key (mode 0600) and a self-signed certificate");
  app->add_option("--private-key", o->key, "Private key file to create (PEM, PKCS#8)")->required();
  app->add_option("--certificate", o->certificate, "Certificate file to create (PEM)")->required();
  app->add_option("--curve", o->curve, "P-256, P-384 or P-521")->capture_default_str();
  app->add_option("--days", o->days, "Validity in days from now")->capture_default_str();
  app->add_option("--subject", o->subject, "Subject and issuer, as /C=US/O=Example/CN=name")
      ->capture_default_str();
  app->add_flag("--force", o->force, "Replace existing files");
  return {app, [o] { return run_keygen(*o); }};
}

}  // namespace eifkit::cli
