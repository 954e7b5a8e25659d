// PCRs a policy author needs before anything runs: PCR3 and PCR4 are extended by the
// hypervisor with the parent's IAM role ARN and instance ID (no inner hash), PCR8 with the
// SHA-384 of the signing certificate's DER bytes, and `pcr --input` measures any file.
#pragma once

#include <string>

#include "lib/measurements.h"

namespace eifkit {

Pcr pcr_of_file(const std::string& path);  // extend(SHA-384(file bytes)), streamed
Pcr pcr8_of_certificate_file(const std::string& pem_path);
Pcr pcr3_of_role_arn(const std::string& arn);
Pcr pcr4_of_instance_id(const std::string& instance_id);

}  // namespace eifkit
