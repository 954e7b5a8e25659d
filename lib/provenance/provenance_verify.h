// Checking a signed provenance envelope: that a signature in it verifies with the expected
// certificate's key, that its statement names the EIF at hand (or the one a build record
// describes) by its digests, and which PCRs it vouches for.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/signing/certificate.h"

namespace eifkit {

struct ProvenanceVerdict {
  bool verified = false;
  // {"Verified", "Checks": {"Signature", "Subject"?, "Measurements"?}, "Failed": [line…],
  //  "Signer", "PredicateType", "Subject": {"Name", "Sha256", "Sha384"}, "Measurements"
  //  (only when the signature verifies)}
  nlohmann::json report;
};

struct ProvenanceExpectations {
  std::optional<std::string> eif;     // the subject must be this file, and its PCRs these
  std::optional<std::string> record;  // a build record that must describe the same EIF
};

// A failed check is a verdict (verified = false, each reason one line in Failed). Input that
// cannot be checked at all is an Error naming the file: not a DSSE envelope, a payloadType
// other than in-toto's, a signed payload that is not an in-toto statement of eifkit's
// predicates, an unreadable EIF or record.
ProvenanceVerdict verify_provenance(const std::string& envelope_path, const Certificate& cert,
                                    const ProvenanceExpectations& expected);

}  // namespace eifkit
