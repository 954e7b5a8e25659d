// An attestation document decoded as far as it can be trusted without checking it: the COSE
// envelope, the payload's fields, and its certificates parsed by OpenSSL. What `attestation
// show` prints and what `verify` checks.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/attestation_document.h"
#include "lib/attestation/attestation_input.h"
#include "lib/signing/certificate.h"

namespace eifkit {

struct DecodedAttestation {
  AttestationInput input;
  AttestationEnvelope envelope;
  AttestationDocument document;
  std::optional<Certificate> leaf;    // always set once decoded
  std::vector<Certificate> cabundle;  // root first, as the document lists them
};

// nullopt, with `problem` set to one line (without the file name), when the bytes are not a
// COSE_Sign1 attestation document or a certificate in it is not DER X.509.
std::optional<DecodedAttestation> decode_attestation(AttestationInput input, std::string& problem);

// PCR0, PCR1 and PCR2 all zero: the enclave runs in debug mode, which measures nothing.
bool is_debug_mode(const AttestationDocument& doc);

// "2021-10-28T17:02:02.077Z"
std::string timestamp_text(uint64_t ms);
// "2021-10-28T17:02:02Z"
std::string utc_z(std::time_t t);

// show's output: every field, the PCRs by index (and which are all zero), each certificate's
// subject, issuer, serial, validity (and whether it holds at `at`) and fingerprint.
nlohmann::json attestation_json(const DecodedAttestation& d, std::time_t at);

}  // namespace eifkit
