// The root every AWS Nitro Enclaves attestation document chains to, bundled so that `verify`
// needs no download: AWS_NitroEnclaves_Root-G1, as AWS publishes it (in
// AWS_NitroEnclaves_Root-G1.zip, linked from the Nitro Enclaves user guide).
#pragma once

#include <string_view>

namespace eifkit {

inline constexpr std::string_view kAwsNitroRootSha256 =
    "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

// PEM. Its SHA-256 fingerprint is kAwsNitroRootSha256 (a test checks it).
std::string_view aws_nitro_root_pem();

}  // namespace eifkit
