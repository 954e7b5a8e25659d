// A docker save archive through its manifest.json, in every layout writers produce: classic
// docker ("<hex>.json" config, "<id>/layer.tar" layers, often symlinks to one another),
// skopeo's docker-archive ("<hex>.tar" layers) and Docker 25+ (paths into the OCI layout it
// writes alongside, "blobs/sha256/<hex>"). Where a path carries a digest, the content must
// match it; every layer must match the config's diff_id.
#pragma once

#include <optional>
#include <string>

#include "lib/image/image_files.h"
#include "lib/image/stored_image.h"

namespace eifkit {

// `tag` picks the manifest.json entry whose RepoTags holds it ("app:1.0"; a bare "1.0" also
// matches "app:1.0"). repo_tags are that entry's RepoTags as stored.
ResolvedImage resolve_docker_archive(ImageFiles& files, const std::optional<std::string>& tag,
                                     const std::optional<Platform>& wanted,
                                     const Platform& fallback);

}  // namespace eifkit
