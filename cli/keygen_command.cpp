// eifkit keygen: an EC signing key and a self-signed certificate for signed images (PCR8); or,
// for a key already in a PKCS#11 token, the certificate alone.
#include <sys/stat.h>

#include <ctime>
#include <memory>
#include <optional>

#include "cli/old_spellings.h"
#include "cli/signing_flags.h"
#include "cli/subcommand.h"
#include "formats/hex.h"
#include "formats/pkcs11_uri.h"
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
  bool force = false, generate_in_token = false, curve_given = false;
  std::optional<std::string> pkcs11_module;
};

void refuse_existing(const std::string& path, bool force) {
  struct stat st;
  if (!force && ::stat(path.c_str(), &st) == 0)
    fail(path, "already exists; use --force to replace it");
}

void print_result(const std::string& key, const std::string& certificate, Curve curve,
                  const Certificate& cert, std::optional<bool> generated_in_token = {}) {
  nlohmann::json described = cert.describe();
  nlohmann::json out = {{"PrivateKey", key},
                        {"Certificate", certificate},
                        {"Curve", curve_name(curve)},
                        {"Subject", cert.subject()},
                        {"NotBefore", described["NotBefore"]},
                        {"NotAfter", described["NotAfter"]},
                        {"PCR8", to_hex(pcr8_of_certificate(cert))}};
  // For a token key: whether keygen made it, or found it there.
  if (generated_in_token) out["GeneratedInToken"] = *generated_in_token;
  print_json(out);
}

// The self-signed certificate of a key in a token, written to --signing-certificate.
void write_token_certificate(const KeygenOptions& o, const PrivateKey& key, bool generated) {
  auto cert_pem = key.self_signed_certificate(o.subject, o.days, std::time(nullptr));
  Certificate cert = Certificate::from_pem(cert_pem, o.certificate);
  write_file_atomically(o.certificate, cert_pem);
  print_result(redact_pkcs11_uri(o.key), o.certificate, key.curve(), cert, generated);
}

// The key stays in the token; only its certificate is written. Without --generate-in-token the
// URI must name a key there (a mistyped object= must not mint a permanent key); with it, a new
// pair is made, and taken out of the token again if writing its certificate fails.
int run_token_keygen(const KeygenOptions& o) {
  refuse_existing(o.certificate, o.force);
  if (o.days < 1) throw Error("--days: must be at least 1");
  Curve curve = parse_curve(o.curve);
  if (!o.generate_in_token) {
    PrivateKey key = PrivateKey::from_pkcs11(
        o.key, o.pkcs11_module, "; keygen --generate-in-token makes a new key in the token");
    if (o.curve_given && key.curve() != curve) {
      fail(redact_pkcs11_uri(o.key), std::string("the key is on ") + curve_name(key.curve()) +
                                         ", not --curve " + o.curve +
                                         " (leave --curve out to write its certificate)");
    }
    write_token_certificate(o, key, false);
    return 0;
  }
  std::string made_id;
  PrivateKey key = PrivateKey::generate_in_pkcs11(o.key, o.pkcs11_module, curve, &made_id);
  try {
    write_token_certificate(o, key, true);
  } catch (const Error& e) {
    try {
      PrivateKey::remove_from_pkcs11(o.key, o.pkcs11_module, made_id);
    } catch (const Error& removal) {
      std::string both = e.what();
      both += "; and the new key stays in the token: ";
      both += removal.what();
      throw Error(both);
    }
    throw;
  }
  return 0;
}

int run_keygen(const KeygenOptions& o) {
  if (is_pkcs11_uri(o.key)) return run_token_keygen(o);
  if (o.generate_in_token) {
    throw Error("--generate-in-token goes with a pkcs11: --private-key (a key in a token)");
  }
  refuse_existing(o.key, o.force);
  refuse_existing(o.certificate, o.force);
  refuse_output_conflicts({}, {{"--private-key", o.key}, {"--signing-certificate", o.certificate}});
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
  print_result(o.key, o.certificate, curve, cert);
  return 0;
}

}  // namespace

Subcommand add_keygen_command(CLI::App& parent) {
  auto o = std::make_shared<KeygenOptions>();
  CLI::App* app = parent.add_subcommand(
      "keygen", "Create an EC signing key (mode 0600) and a self-signed certificate");
  app->add_option("--private-key", o->key,
                  "Private key file to create (PEM, PKCS#8), or the pkcs11: URI of a key in a "
                  "token to write a certificate for")
      ->required();
  add_pkcs11_module_option(app, o->pkcs11_module);
  app->add_flag("--generate-in-token", o->generate_in_token,
                "Make a new key in the token the pkcs11: --private-key names (its object= must "
                "not exist yet)");
  CLI::Option* certificate =
      app->add_option("--signing-certificate", o->certificate,
                      "Signing certificate file to create (PEM, self-signed)");
  add_old_spelling(app, "--certificate", certificate, o->certificate);
  CLI::Option* curve =
      app->add_option("--curve", o->curve,
                      "P-256, P-384 or P-521; for a key already in a token, must be its curve")
          ->capture_default_str();
  app->add_option("--days", o->days, "Validity in days from now")->capture_default_str();
  app->add_option("--subject", o->subject, "Subject and issuer, as /C=US/O=Example/CN=name")
      ->capture_default_str();
  app->add_flag("--force", o->force, "Replace existing files");
  return {app, [o, app, certificate, curve] {
            if (app->count("--certificate") == 0 && certificate->count() == 0) {
              throw Error("keygen needs --signing-certificate FILE (the certificate to create)");
            }
            o->curve_given = curve->count() > 0;
            return run_keygen(*o);
          }};
}

}  // namespace eifkit::cli
