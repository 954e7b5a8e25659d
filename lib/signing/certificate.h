// X.509 signing certificates (OpenSSL): loading PEM, the DER bytes PCR8 measures, checking a
// signature with the certificate's key, and the facts describe and verify report.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/signing/curve.h"

struct x509_st;  // OpenSSL's X509, for the folder-internal x509_of()

namespace eifkit {

inline constexpr uint64_t kMaxCertificateFileSize = 64 << 10;

// An X.509 certificate (owning; movable).
class Certificate {
 public:
  // PEM bytes as stored in a file or a signature section. `origin` names them in errors.
  static Certificate from_pem(const std::vector<uint8_t>& pem, const std::string& origin);
  static Certificate from_pem_file(const std::string& path);
  // DER, as an attestation document carries its certificates; Error naming `origin` when
  // the bytes are not exactly one certificate.
  static Certificate from_der(std::span<const uint8_t> der, const std::string& origin);
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
  // Why the certificate is not valid at `t`: "expired on 2025-01-01T00:00:00+00:00", "is not
  // valid before 2030-01-01T00:00:00+00:00"; empty when it is.
  std::string validity_problem(std::time_t t) const;
  // nitro-cli's SigningCertificate: {"IssuerName": {"commonName": …, …} (sorted), "Algorithm":
  // "ecdsa-with-SHA384", "NotBefore": "Nov 22 22:43:31 2026 GMT", "NotAfter": …, "Signature":
  // "30:66:02:…" (uppercase hex pairs of the certificate's own signature)}
  nlohmann::json describe() const;
  std::string subject() const;     // one-line RFC 2253 form, e.g. "CN=x,O=y,C=US"
  std::string issuer() const;      // the same form
  std::string serial_hex() const;  // lowercase hex of the serial number
  std::optional<std::time_t> not_before() const;
  std::optional<std::time_t> not_after() const;
  std::string sha256_fingerprint() const;  // lowercase hex of SHA-256(DER)
  const std::string& origin() const;

 private:
  friend x509_st* x509_of(const Certificate& certificate);  // lib/signing/certificate_x509.h
  struct Impl;
  explicit Certificate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// DER encoding of the first certificate in a PEM file; throws Error naming the file.
std::vector<uint8_t> certificate_der_from_pem_file(const std::string& path);
std::vector<uint8_t> certificate_der_from_pem(const std::vector<uint8_t>& pem,
                                              const std::string& origin);

}  // namespace eifkit
