// The signing flags build, sign and keygen share, and what they check before any work: a KMS
// key ARN given where a PEM file is expected, and a certificate outside its validity period.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "lib/signing/certificate.h"

namespace eifkit::cli {

// Error explaining two-step signing with `aws kms sign` when `key` is an AWS KMS key ARN: the
// algorithm (ECDSA_SHA_256/384/512) and digest file (.sha256/.sha384/.sha512) follow the curve
// of `certificate` (PEM), or P-384's when no certificate is given.
void refuse_kms_key_arn(const std::string& key, const std::string& certificate = "");

// One warning on stderr when the certificate has expired or is not yet valid. Building goes on,
// as nitro-cli's does: the operator may re-sign, and a verifier decides what it accepts.
void warn_if_certificate_not_valid_now(const Certificate& cert);

// --pkcs11-module, for a pkcs11: --private-key.
CLI::Option* add_pkcs11_module_option(CLI::App* app, std::optional<std::string>& module);

}  // namespace eifkit::cli
