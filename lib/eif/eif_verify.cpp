#include "lib/eif/eif_verify.h"

#include <algorithm>
#include <cctype>

#include "formats/hex.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/signing/signature_check.h"

namespace eifkit {

static std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

static void check_hex_flag(const char* flag, const std::string& value) {
  auto bytes = from_hex(value);
  if (!bytes || bytes->size() != 48) {
    throw Error(std::string(flag) + ": '" + value + "' is not 96 hex digits (a SHA-384 PCR)");
  }
}

VerifyReport verify_eif(const EifImage& image, const EifScan& scan, const VerifyOptions& o) {
  if (o.pcr0) check_hex_flag("--pcr0", *o.pcr0);
  if (o.pcr8) check_hex_flag("--pcr8", *o.pcr8);
  std::optional<Certificate> expected_cert;
  if (o.certificate) expected_cert = Certificate::from_pem_file(*o.certificate);

  const std::string& path = image.file.path();
  nlohmann::json checks = nlohmann::json::object();
  nlohmann::json failed = nlohmann::json::array();
  nlohmann::json problems = nlohmann::json::object();
  auto record = [&](const char* name, bool ok, const std::string& why) {
    checks[name] = ok;
    if (!ok) {
      failed.push_back(name);
      problems[name] = why;
    }
  };

  record("CRC", scan.crc_ok, "the header's CRC does not match the file's bytes");
  record("Signed", scan.signature.has_value(), "the image has no signature section");
  nlohmann::json out;
  if (scan.signature) {
    SignatureFacts facts = check_signature_section(*scan.signature, scan.measurements.pcr0, path);
    const Certificate& cert = facts.certificate;
    record("Signature", facts.signature_valid, facts.problem);
    record("SignatureCheck", facts.payload_matches,
           "the signed payload is not {0, PCR0} of this image");
    record("CertificateValidity", cert.valid_at(o.at),
           "the certificate " + cert.validity_problem(o.at) + " (checked at " +
               format_rfc3339_utc(o.at) + ")");
    if (expected_cert) {
      record("Certificate", expected_cert->der() == cert.der(),
             "signed with another certificate than " + *o.certificate);
    }
    nlohmann::json described = cert.describe();
    out["SigningCertificate"] = {{"Subject", cert.subject()},
                                 {"IssuerName", described["IssuerName"]},
                                 {"NotBefore", described["NotBefore"]},
                                 {"NotAfter", described["NotAfter"]},
                                 {"Sha256Fingerprint", cert.sha256_fingerprint()}};
  }
  const Measurements& m = scan.measurements;
  if (o.pcr0) record("PCR0", lowercase(*o.pcr0) == to_hex(m.pcr0), "PCR0 is " + to_hex(m.pcr0));
  if (o.pcr8) {
    std::string actual = m.pcr8 ? to_hex(*m.pcr8) : "absent (unsigned image)";
    record("PCR8", m.pcr8 && lowercase(*o.pcr8) == actual, "PCR8 is " + actual);
  }
  out["Checks"] = checks;
  out["Failed"] = failed;
  if (!problems.empty()) out["Problems"] = problems;
  out["Measurements"] = measurements_json(m);
  out["At"] = format_rfc3339_utc(o.at);
  out["Verified"] = failed.empty();
  return {out, failed.empty()};
}

}  // namespace eifkit
