// `attestation verify`: is this document genuine, is it my image, is it fresh? Each answer is
// a named check, in the shape of `eifkit verify`:
//
//   Decode     the bytes are a COSE_Sign1 attestation document with a SHA384 digest
//              (otherwise it is unusable and no other check runs)
//   Signature  ES384 over the exact bytes received, with the leaf certificate's key
//   Chain      leaf -> cabundle -> cabundle[0], by OpenSSL's verifier
//   Validity   every certificate valid at the time checked
//   Root       cabundle[0] is the pinned root (AWS Nitro Enclaves root G1 unless --root)
//   PCRs, Nonce, UserData, PublicKey   equal to the expected values, when some are given
//
// What is odd but not wrong (a document timestamped after the time checked) is a warning: the
// verdict stands, the report's "Warnings" says it.
#pragma once

#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/attestation/attestation_input.h"
#include "lib/attestation/attestation_signature.h"
#include "lib/attestation/decoded_attestation.h"

namespace eifkit {

// When the certificates must be valid.
struct CheckTime {
  enum class Kind { kNow, kDocument, kGiven } kind = Kind::kNow;
  std::time_t given = 0;  // kNow: the clock, read by the caller; kGiven: the time named
};

// "now", "doc" or an RFC 3339 time; Error otherwise. `now` is the clock's reading.
CheckTime parse_check_time(const std::string& text, std::time_t now);
// The time itself: for "doc", the document's timestamp (whole seconds).
std::time_t resolve_check_time(const CheckTime& at, const AttestationDocument& document);

struct ExpectedPcrs {
  std::map<int, std::string> values;  // lowercase hex by PCR number
  std::string source;                 // the EIF, build record or "--pcr"
};

struct AttestationVerifyOptions {
  std::optional<std::string> root_path;  // PEM; default the bundled AWS root
  CheckTime at;
  std::optional<AttestationPlatform> platform;  // default: from the root's subject
  std::optional<ExpectedPcrs> pcrs;
  std::optional<std::vector<uint8_t>> nonce, user_data, public_key;
};

struct AttestationVerdict {
  enum class Status { kVerified, kFailed, kUnusable };
  Status status = Status::kUnusable;
  std::string problem;                // kUnusable: why, one line without the file name
  std::vector<std::string> warnings;  // one line each, without the file name; also in report
  nlohmann::json report;
  std::optional<DecodedAttestation> decoded;  // set unless kUnusable
};

// An unreadable --root is an Error; everything about the document goes into the verdict.
AttestationVerdict verify_attestation(AttestationInput input, const AttestationVerifyOptions& o);

}  // namespace eifkit
