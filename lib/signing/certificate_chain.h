// Checking a certificate chain with OpenSSL's verifier at an explicit time: an attestation
// document's leaf, its cabundle (root first) and the root it must end at. The time is a
// separate finding, so an old document's chain can be judged sound while its certificates
// are reported expired "now".
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

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

// DER certificates. `anchor` is trusted (it must be self-signed); `intermediates` are not.
// Certificates that do not parse are an Error naming `origin`.
ChainFindings check_certificate_chain(const std::vector<uint8_t>& leaf,
                                      const std::vector<std::vector<uint8_t>>& intermediates,
                                      const std::vector<uint8_t>& anchor, std::time_t at,
                                      const std::string& origin);

}  // namespace eifkit
