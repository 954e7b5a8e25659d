#include "cli/signing_flags.h"

#include <ctime>
#include <iostream>

#include "lib/base/error.h"

namespace eifkit::cli {

void refuse_kms_key_arn(const std::string& key) {
  if (key.rfind("arn:", 0) != 0 || key.find(":kms:") == std::string::npos) return;
  throw Error(
      "--private-key " + key +
      ": eifkit does not call AWS KMS; sign in two steps: `eifkit sign app.eif "
      "--signing-certificate cert.pem --export-payload payload.bin`, then `aws kms sign "
      "--key-id " +
      key +
      " --message-type DIGEST --signing-algorithm ECDSA_SHA_384 --message "
      "fileb://payload.bin.sha384 --query Signature --output text | base64 -d > sig.der`, then "
      "`eifkit sign app.eif --signing-certificate cert.pem --signature sig.der` (eifkit-sign(1))");
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
