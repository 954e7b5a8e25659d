// An OCI image layout (index.json + blobs/sha256/...), in a directory or an archive, resolved
// to one image: the tag picks entries of index.json, nested indexes are walked, and the
// platform picks among what remains. Every blob read is checked against its digest.
#pragma once

#include <optional>
#include <string>

#include "lib/image/image_files.h"
#include "lib/image/stored_image.h"

namespace eifkit {

// repo_tags come from the chosen index.json entry: its io.containerd.image.name (as Docker 25+
// writes it, shortened the way docker shows names: "docker.io/library/app:1.0" -> "app:1.0"),
// else its org.opencontainers.image.ref.name exactly as stored, which may be a bare tag
// ("latest", as umoci writes) or a full name ("app:1.0", as skopeo writes).
ResolvedImage resolve_oci_layout(ImageFiles& files, const std::optional<std::string>& tag,
                                 const std::optional<Platform>& wanted, const Platform& fallback);

// "docker.io/library/app:1.0" -> "app:1.0", "docker.io/me/app:1.0" -> "me/app:1.0".
std::string familiar_name(const std::string& name);

}  // namespace eifkit
