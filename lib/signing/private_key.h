// EC private keys held in PEM files (OpenSSL) or in a PKCS#11 token: loading and generating
// them, signing digests, matching a key with its certificate, and the self-signed
// certificates keygen writes.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/signing/certificate.h"
#include "lib/signing/curve.h"

namespace eifkit {

// An EC private key (owning; movable). Never printed or logged.
class PrivateKey {
 public:
  // PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"); Error naming the file for unreadable input,
  // RSA, Ed25519 and other non-EC keys.
  static PrivateKey from_pem_file(const std::string& path);
  static PrivateKey generate(Curve curve);
  // The key an RFC 7512 pkcs11: URI names, used through the PKCS#11 module `module` (else the
  // URI's module-path, else $EIFKIT_PKCS11_MODULE); it signs inside the token and never
  // leaves it. The PIN comes from the URI (pin-value, in the path or the query;
  // pin-source=file:PATH), else $EIFKIT_PKCS11_PIN, else a prompt on the terminal. Errors name
  // the URI as redact_pkcs11_uri shows it, never the PIN. When the token has no such key,
  // the Error lists the private keys it has (object=...;id=...), then `missing_hint`.
  static PrivateKey from_pkcs11(const std::string& uri, const std::optional<std::string>& module,
                                const std::string& missing_hint = "");
  // Generates a key pair on `curve` inside the token the URI names (labelled with its object,
  // with its id or a random one), sensitive and not extractable, then loads it as above. Refuses
  // when an object of the token already has that label (or the URI's id): a key is never made
  // over, or beside, one there. `made_id`, if given, receives the id of the new pair.
  static PrivateKey generate_in_pkcs11(const std::string& uri,
                                       const std::optional<std::string>& module, Curve curve,
                                       std::string* made_id = nullptr);
  // Destroys the objects with the URI's label and `id` (both halves of a pair
  // generate_in_pkcs11 made) in the token, to undo a generation whose next step failed.
  static void remove_from_pkcs11(const std::string& uri, const std::optional<std::string>& module,
                                 const std::string& id);
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  Curve curve() const;
  // Raw r‖s ECDSA signature over an already computed digest.
  std::vector<uint8_t> sign_digest(std::span<const uint8_t> digest) const;
  // True when the certificate holds this key's public half.
  bool matches(const Certificate& cert) const;
  // PKCS#8 PEM, for keygen; an Error for a key held in a token.
  std::vector<uint8_t> to_pem() const;
  // A self-signed certificate for this key: subject = issuer from "/C=US/O=Example/CN=name"
  // (OpenSSL's -subj form), serial random 16 bytes, valid from `not_before` for `days`,
  // basicConstraints CA:TRUE, signed with SHA-256/384/512 to match the curve. PEM.
  std::vector<uint8_t> self_signed_certificate(const std::string& subject, int days,
                                               std::time_t not_before) const;

 private:
  struct Impl;
  explicit PrivateKey(std::unique_ptr<Impl> impl);
  // Refuses what is not an EC key on a supported curve, naming `name`.
  static PrivateKey from_impl(std::unique_ptr<Impl> impl, const std::string& name);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eifkit
