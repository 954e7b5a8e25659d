// Flattens image layers, bottom first, into one filesystem tree, following the OCI rules:
// ".wh.NAME" deletes NAME from lower layers, ".wh..wh..opq" hides what lower layers put in
// its directory, a later entry replaces an earlier one at the same path (a non-directory
// replacing a directory drops the subtree), hard links stay hard links. Refuses paths that
// escape the root, paths under a symlink, and hard links to missing entries.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "lib/base/spool_file.h"
#include "lib/image/fs_tree.h"
#include "lib/image/image_limits.h"
#include "lib/image/image_source.h"
#include "lib/image/tar_reader.h"

namespace eifkit {

struct FlattenedImage {
  std::unique_ptr<FsNode> root;
  std::unique_ptr<SpoolFile> spool;
  size_t entries_with_xattrs = 0;  // newc cannot carry extended attributes
};

class Flattener {
 public:
  explicit Flattener(const ImageLimits& limits = image_limits());
  // Applies the next layer; `layer_name` prefixes errors.
  void apply_layer(TarReader& layer, const std::string& layer_name);
  FlattenedImage finish();

 private:
  void apply_entry(const TarEntry& entry, TarReader& layer, const std::string& layer_name);
  FlattenedImage image_;
  size_t layer_ = 0;
  ImageLimits limits_;
  uint64_t entries_ = 0;
  uint64_t file_bytes_ = 0;  // declared sizes of every file spooled so far
};

// Called after each layer with its index and the layer count.
using LayerProgress = std::function<void(size_t done, size_t total)>;

// Streams every layer of the image through the flattener, verifying each as it goes.
FlattenedImage flatten_image(ImageSource& image, const LayerProgress& progress = {});

}  // namespace eifkit
