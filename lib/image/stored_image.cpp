#include "lib/image/stored_image.h"

#include <stdexcept>

#include "lib/base/error.h"

namespace eifkit {
namespace {

class StoredImage : public ImageSource {
 public:
  StoredImage(std::unique_ptr<ImageFiles> files, ResolvedImage image)
      : files_(std::move(files)), image_(std::move(image)) {
    for (const LayerRef& layer : image_.layers) {
      sizes_.push_back(files_->size(layer.file).value_or(0));
    }
  }

  const ImageInfo& info() const override { return image_.info; }
  size_t layer_count() const override { return image_.layers.size(); }

  uint64_t layer_stored_size(size_t index) const override { return sizes_.at(index); }

  std::unique_ptr<LayerStream> open_layer(size_t index, Progress* progress) override {
    if (index >= image_.layers.size()) throw std::out_of_range("layer index out of range");
    const LayerRef& layer = image_.layers[index];
    return make_layer_stream(files_->open(layer.file), files_->source() + ": " + layer.file,
                             layer.checks, progress);
  }

 private:
  std::unique_ptr<ImageFiles> files_;
  ResolvedImage image_;
  std::vector<uint64_t> sizes_;
};

}  // namespace

std::unique_ptr<ImageSource> make_stored_image(std::unique_ptr<ImageFiles> files,
                                               ResolvedImage image) {
  return std::make_unique<StoredImage>(std::move(files), std::move(image));
}

}  // namespace eifkit
