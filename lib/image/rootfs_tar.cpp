// A flat root filesystem tar (docker export) as a one-layer image. Nothing names a digest for
// it, so nothing is checked but the compression; the config comes from the caller.
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/file_source.h"
#include "lib/hash/sha256.h"
#include "lib/image/fs_tree.h"
#include "lib/image/image_source.h"
#include "lib/image/layer_stream.h"

namespace eifkit {
namespace {

class RootfsTar : public ImageSource {
 public:
  RootfsTar(ImageInfo info, uint64_t size) : info_(std::move(info)), size_(size) {}

  const ImageInfo& info() const override { return info_; }
  size_t layer_count() const override { return 1; }

  uint64_t layer_stored_size(size_t) const override { return size_; }

  std::unique_ptr<LayerStream> open_layer(size_t index, Progress* progress) override {
    if (index != 0) throw std::out_of_range("layer index out of range");
    return make_layer_stream(std::make_unique<FileSource>(info_.source), info_.source, {},
                             progress);
  }

 private:
  ImageInfo info_;
  uint64_t size_;
};

}  // namespace

// The id is "sha256:" + the digest of the config's compact dump(): there is no stored config
// blob, and this way the same tar built with the same flags keeps the same id.
std::unique_ptr<ImageSource> open_rootfs_tar(const std::string& path, nlohmann::json config,
                                             const Platform& platform) {
  // A missing or unreadable file is reported now, not at the first layer.
  uint64_t size = File::open_read(path).size();
  ImageInfo info;
  std::string compact = config.dump();
  info.id = sha256_digest_string(
      sha256(std::span(reinterpret_cast<const uint8_t*>(compact.data()), compact.size())));
  info.config = std::move(config);
  info.platform = platform;
  info.source = path;
  return std::make_unique<RootfsTar>(std::move(info), size);
}

void refuse_container_image_as_rootfs(const FsNode& root, const std::string& path) {
  auto has = [&](const std::string& name, TarEntry::Type type) {
    auto it = root.children.find(name);
    return it != root.children.end() && it->second->inode->type == type;
  };
  bool layers =
      has("repositories", TarEntry::Type::kFile) || has("blobs", TarEntry::Type::kDirectory);
  for (const auto& [name, child] : root.children) {
    if (name.size() > 4 && name.ends_with(".tar")) layers = true;
    if (child->is_dir() && child->children.contains("layer.tar")) layers = true;
  }
  bool docker_save = has("manifest.json", TarEntry::Type::kFile) && layers;
  bool oci_archive =
      has("index.json", TarEntry::Type::kFile) && has("oci-layout", TarEntry::Type::kFile);
  if (docker_save || oci_archive) {
    fail(path, std::string("this is a container image (") +
                   (docker_save ? "a docker save archive" : "an OCI archive") +
                   "), not a root filesystem: use --image");
  }
}

}  // namespace eifkit
