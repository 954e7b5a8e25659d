// The metadata's DockerInfo and default name/version for an image build, in the shape of
// `docker image inspect` so describe-eif readers see the fields they know.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "lib/image/image_source.h"

namespace eifkit {

// {Id, RepoTags, Created, Architecture, Os, Config, RootFS: {Type, Layers}}.
nlohmann::json docker_info(const ImageInfo& info);

// As nitro-cli: the name is the first tag's repository ("registry:5000/app" for
// "registry:5000/app:1.0"), the version the image ID without "sha256:".
std::string default_image_name(const ImageInfo& info);
std::string default_image_version(const ImageInfo& info);

}  // namespace eifkit
