#include "lib/hash/runtime_pcrs.h"

#include <vector>

#include "lib/base/error.h"
#include "lib/base/file.h"

namespace eifkit {

Pcr pcr_of_file(const std::string& path) {
  File in = File::open_read(path);
  Sha384 h;
  std::vector<uint8_t> buf(1 << 20);
  for (size_t n; (n = in.read_some(buf)) > 0;) h.update(std::span(buf).first(n));
  return pcr_from_digest(h.finish());
}

static std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

static bool has_space(const std::string& s) {
  return s.find_first_of(" \t\r\n") != std::string::npos;
}

Pcr pcr3_of_role_arn(const std::string& arn) {
  // Not stricter: QingTian measures an IAM agency here, whose name is not an AWS ARN.
  if (arn.empty() || has_space(arn)) {
    throw Error("--role-arn: '" + arn + "' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
  }
  return extend_pcr(bytes_of(arn));
}

Pcr pcr4_of_instance_id(const std::string& instance_id) {
  if (instance_id.empty() || has_space(instance_id)) {
    throw Error("--instance-id: '" + instance_id + "' is not an instance ID");
  }
  return extend_pcr(bytes_of(instance_id));
}

}  // namespace eifkit
