// Checking a certificate chain with OpenSSL's verifier at an explicit time: an attestation
// document's leaf, its cabundle (root first) and the root it must end at. The time is a
// separate finding, so an old document's chain can be judged sound while its certificates
// are reported expired "now".
#pragma once

#include <ctime>
#include <optional>
#include <span>
#include <string>

#include "lib/signing/certificate.h"

namespace eifkit {

struct ChainFindings {
  // Every link verifies (signature, issuer name, CA and path-length constraints), from the
  // leaf through the intermediates to the anchor, time aside.
  bool linked = false;
  std::string link_problem;
  // Every certificate of the chain is within its validity window at `at`.
  bool valid_at_time = false;
  std::string time_problem;
};

// `anchor` is trusted (it must be self-signed); `intermediates` are not. Without a time
// (nullopt: one that X.509 cannot express, past the year 9999) only the links are judged:
// valid_at_time is false and time_problem empty, the caller saying why.
ChainFindings check_certificate_chain(const Certificate& leaf,
                                      std::span<const Certificate> intermediates,
                                      const Certificate& anchor, std::optional<std::time_t> at);

}  // namespace eifkit
