// An image whose manifest has been resolved, over the files it is stored in: the one
// ImageSource behind docker save archives, OCI layouts and OCI archives.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/image/image_files.h"
#include "lib/image/image_source.h"
#include "lib/image/layer_stream.h"

namespace eifkit {

struct LayerRef {
  std::string file;    // name within the image files
  LayerChecks checks;  // digest when the format names one; diff_id from the config
};

struct ResolvedImage {
  ImageInfo info;
  std::vector<LayerRef> layers;
};

std::unique_ptr<ImageSource> make_stored_image(std::unique_ptr<ImageFiles> files,
                                               ResolvedImage image);

}  // namespace eifkit
