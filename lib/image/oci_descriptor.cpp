#include "lib/image/oci_descriptor.h"

#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/hash/sha256.h"

namespace eifkit {

std::string Descriptor::annotation(const std::string& key) const {
  auto it = annotations.find(key);
  return it != annotations.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Descriptor parse_descriptor(const nlohmann::json& json, const std::string& where) {
  Descriptor d;
  d.media_type = optional_string(json, "mediaType", where).value_or("");
  d.digest = string_field(json, "digest", where);
  if (!is_sha256_digest(d.digest)) {
    // Shown as JSON so control characters in a hostile value stay on one line.
    std::string shown = nlohmann::json(d.digest).dump();
    if (d.digest.rfind("sha256:", 0) != 0 && d.digest.find(':') != std::string::npos &&
        d.digest.find('/') == std::string::npos) {
      throw Error(where + ": unsupported digest " + shown + " (only sha256 is supported)");
    }
    throw Error(where + ": invalid digest " + shown);
  }
  auto size = json.find("size");
  if (size == json.end() || !size->is_number_unsigned()) {
    throw Error(where + ": descriptor for " + d.digest + " has no valid size");
  }
  d.size = size->get<uint64_t>();
  if (auto p = json.find("platform"); p != json.end() && p->is_object()) {
    std::string pwhere = where + ": platform of " + d.digest;
    Platform platform;
    platform.os = string_field(*p, "os", pwhere);
    platform.architecture = string_field(*p, "architecture", pwhere);
    platform.variant = optional_string(*p, "variant", pwhere).value_or("");
    d.platform = platform;
  }
  if (auto a = json.find("annotations"); a != json.end() && a->is_object()) d.annotations = *a;
  return d;
}

void fail_digest_mismatch(const std::string& where, const std::string& actual,
                          const std::string& expected) {
  throw Error(where + ": content " + actual + " does not match digest " + expected);
}

std::vector<uint8_t> read_blob(ImageFiles& files, const Descriptor& desc, uint64_t max_bytes) {
  std::string name = desc.blob_name();
  std::string where = files.source() + ": " + name;
  std::optional<uint64_t> size = files.size(name);
  if (!size) fail(files.source(), "blob " + name + " is missing from the " + files.kind());
  if (*size != desc.size) {
    throw Error(where + ": blob is " + std::to_string(*size) + " bytes, its descriptor says " +
                std::to_string(desc.size));
  }
  std::vector<uint8_t> data = read_small(files, name, max_bytes);
  std::string actual = sha256_digest_string(sha256(data));
  if (actual != desc.digest) fail_digest_mismatch(where, actual, desc.digest);
  return data;
}

}  // namespace eifkit
