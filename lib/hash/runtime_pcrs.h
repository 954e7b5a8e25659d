// PCRs a policy author needs before anything runs: PCR3 and PCR4 are extended by the
// hypervisor with the parent's IAM role ARN and instance ID (no inner hash), and `pcr --input`
// measures any file. PCR8 is lib/signing/pcr8.h.
#pragma once

#include <string>

#include "lib/hash/measurements.h"

namespace eifkit {

Pcr pcr_of_file(const std::string& path);  // extend(SHA-384(file bytes)), streamed
Pcr pcr3_of_role_arn(const std::string& arn);
Pcr pcr4_of_instance_id(const std::string& instance_id);

}  // namespace eifkit
