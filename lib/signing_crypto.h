// The OpenSSL side of EIF signing: EC keys and self-signed certificates (keygen), loading and
// matching a key with its certificate, ECDSA signatures in the raw r‖s form COSE uses, and the
// certificate facts describe and verify report. Only P-256, P-384 and P-521 keys are accepted,
// as nitro-cli's COSE encoding allows.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eifkit {

enum class Curve { kP256, kP384, kP521 };

// "P-256" / "P-384" / "P-521" (also "prime256v1", "secp384r1", "secp521r1"); Error otherwise.
Curve parse_curve(const std::string& name);
const char* curve_name(Curve c);        // "P-384"
size_t curve_coordinate_size(Curve c);  // 32, 48, 66: each of r and s in r‖s
size_t curve_digest_size(Curve c);      // SHA-256/384/512: 32, 48, 64

// An X.509 certificate (owning; movable).
class Certificate {
 public:
  // PEM bytes as stored in a file or a signature section. `origin` names them in errors.
  static Certificate from_pem(const std::vector<uint8_t>& pem, const std::string& origin);
  static Certificate from_pem_file(const std::string& path);
  Certificate(Certificate&&) noexcept;
  Certificate& operator=(Certificate&&) noexcept;
  ~Certificate();

  const std::vector<uint8_t>& pem() const;  // as given
  std::vector<uint8_t> der() const;
  // The curve of its public key; Error naming `origin` for RSA, Ed25519 and other keys.
  Curve curve() const;
  // Verifies a raw r‖s ECDSA signature over `digest` (already hashed) with its public key.
  bool verify_digest(std::span<const uint8_t> digest, std::span<const uint8_t> raw_signature) const;
  // notBefore <= t <= notAfter
  bool valid_at(std::time_t t) const;
  // nitro-cli's SigningCertificate: {"IssuerName": {"commonName": …, …} (sorted), "Algorithm":
  // "ecdsa-with-SHA384", "NotBefore": "Nov 22 22:43:31 2026 GMT", "NotAfter": …, "Signature":
  // "30:66:02:…" (uppercase hex pairs of the certificate's own signature)}
  nlohmann::json describe() const;
  std::string subject() const;             // one-line RFC 2253 form, e.g. "CN=x,O=y,C=US"
  std::string sha256_fingerprint() const;  // lowercase hex of SHA-256(DER)
  const std::string& origin() const;

 private:
  struct Impl;
  explicit Certificate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An EC private key (owning; movable). Never printed or logged.
class PrivateKey {
 public:
  // PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"); Error naming the file for unreadable input,
  // RSA, Ed25519 and other non-EC keys.
  static PrivateKey from_pem_file(const std::string& path);
  static PrivateKey generate(Curve curve);
  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  Curve curve() const;
  // Raw r‖s ECDSA signature over an already computed digest.
  std::vector<uint8_t> sign_digest(std::span<const uint8_t> digest) const;
  // True when the certificate holds this key's public half.
  bool matches(const Certificate& cert) const;
  // PKCS#8 PEM, for keygen.
  std::vector<uint8_t> to_pem() const;
  // A self-signed certificate for this key: subject = issuer from "/C=US/O=Example/CN=name"
  // (OpenSSL's -subj form), serial random 16 bytes, valid from `not_before` for `days`,
  // basicConstraints CA:TRUE, signed with SHA-256/384/512 to match the curve. PEM.
  std::vector<uint8_t> self_signed_certificate(const std::string& subject, int days,
                                               std::time_t not_before) const;

 private:
  struct Impl;
  explicit PrivateKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// SHA-256/384/512 of data, chosen by the curve.
std::vector<uint8_t> digest_for_curve(Curve curve, std::span<const uint8_t> data);

// A signature made elsewhere (an HSM, a cloud KMS, `openssl pkeyutl`): DER ECDSA-Sig-Value
// or raw r‖s of the curve's size. Returns raw r‖s; Error naming `origin` otherwise.
std::vector<uint8_t> signature_to_raw(std::span<const uint8_t> signature, Curve curve,
                                      const std::string& origin);

}  // namespace eifkit
