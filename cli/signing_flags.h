// What build and sign check about their signing flags before any work: a KMS key ARN given
// where a PEM file is expected, and a certificate outside its validity period.
#pragma once

#include <string>

#include "lib/signing/certificate.h"

namespace eifkit::cli {

// Error explaining two-step signing with `aws kms sign` when `key` is an AWS KMS key ARN.
void refuse_kms_key_arn(const std::string& key);

// One warning on stderr when the certificate has expired or is not yet valid. Building goes on,
// as nitro-cli's does: the operator may re-sign, and a verifier decides what it accepts.
void warn_if_certificate_not_valid_now(const Certificate& cert);

}  // namespace eifkit::cli
