// `policy check --attestation`: would the key service release the key to the enclave that sent
// this document? First the document must verify (signature, chain, validity, root): KMS
// rejects one that does not before it reads any policy. Then the policy's attestation
// conditions are evaluated with the values the document reports, as KMS does.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lib/attestation/attestation_verify.h"
#include "lib/policy/policy_check.h"

namespace eifkit {

// The document's PCRs as a key service reads them (lowercase hex).
PolicyMeasurements attestation_measurements(const DecodedAttestation& d);

// The verdict of check_policy, with "Attestation": {Verified, Checks, Failed, Problems,
// Warnings (when there are), Platform, Root, At}; "Decision": "document-rejected" when the document
// did not verify.
PolicyVerdict check_policy_with_attestation(const nlohmann::json& policy,
                                            const std::string& policy_source,
                                            const AttestationVerdict& attestation,
                                            const PolicyRequest& request);

}  // namespace eifkit
