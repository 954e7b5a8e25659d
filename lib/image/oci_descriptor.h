// OCI content descriptors (the entries of index.json and of manifests) and reading the small
// blobs they name, checked against their size and digest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/image/image_files.h"
#include "lib/image/image_source.h"

namespace eifkit {

inline constexpr char kOciIndexType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kDockerListType[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kOciManifestType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kDockerManifestType[] =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";

struct Descriptor {
  std::string media_type;  // empty when absent
  std::string digest;      // always a valid "sha256:<hex>"
  uint64_t size = 0;
  std::optional<Platform> platform;
  nlohmann::json annotations = nlohmann::json::object();

  std::string blob_name() const { return "blobs/sha256/" + digest.substr(7); }
  std::string annotation(const std::string& key) const;  // "" when absent
};

// Validates the digest before anything can use it as part of a file name; `where` names the
// document ("SOURCE: index.json").
Descriptor parse_descriptor(const nlohmann::json& json, const std::string& where);

// Reads a blob of at most max_bytes and checks it against the descriptor's size and digest.
std::vector<uint8_t> read_blob(ImageFiles& files, const Descriptor& desc, uint64_t max_bytes);

// "WHERE: content sha256:ACTUAL does not match digest sha256:EXPECTED".
[[noreturn]] void fail_digest_mismatch(const std::string& where, const std::string& actual,
                                       const std::string& expected);

}  // namespace eifkit
