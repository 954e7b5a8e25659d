#include "cli/signing_flags.h"

#include <ctime>
#include <iostream>

#include "lib/base/error.h"
#include "lib/signing/curve.h"

namespace eifkit::cli {

void refuse_kms_key_arn(const std::string& key, const std::string& certificate) {
  if (key.rfind("arn:", 0) != 0 || key.find(":kms:") == std::string::npos) return;
  // The digest, and so the KMS algorithm and the digest file's suffix, follow the curve.
  std::string bits = "384";
  if (!certificate.empty()) {
    bits = std::to_string(curve_digest_size(Certificate::from_pem_file(certificate).curve()) * 8);
  }
  std::string message = "--private-key ";
  message += key;
  message +=
      ": eifkit does not call AWS KMS; sign in two steps: `eifkit sign app.eif "
      "--signing-certificate cert.pem --export-payload payload.bin`, then `aws kms sign "
      "--key-id ";
  message += key;
  message += " --message-type DIGEST --signing-algorithm ECDSA_SHA_";
  message += bits;
  message += " --message fileb://payload.bin.sha";
  message += bits;
  message +=
      " --query Signature --output text | base64 -d > sig.der`, then `eifkit sign app.eif "
      "--signing-certificate cert.pem --signature sig.der` (eifkit-sign(1))";
  throw Error(message);
}

void warn_if_certificate_not_valid_now(const Certificate& cert) {
  std::string problem = cert.validity_problem(std::time(nullptr));
  if (problem.empty()) return;
  std::cerr << "eifkit: warning: " << cert.origin() << ": the signing certificate " << problem
            << "; signing anyway (verifiers checking its validity will refuse the image)"
            << std::endl;
}

CLI::Option* add_pkcs11_module_option(CLI::App* app, std::optional<std::string>& module) {
  return app->add_option("--pkcs11-module", module,
                         "PKCS#11 module for a pkcs11: --private-key (default: "
                         "$EIFKIT_PKCS11_MODULE)");
}

}  // namespace eifkit::cli
