// A container image as eifkit consumes it, whatever it came from (docker save archive, OCI
// layout directory, OCI archive, flat rootfs tar): its identity, its config, and its layers
// as verified, uncompressed tar streams, bottom layer first.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/base/byte_source.h"
#include "lib/base/progress.h"

namespace eifkit {

struct Platform {
  std::string os = "linux";
  std::string architecture;  // OCI names: amd64, arm64, ...
  std::string variant;       // optional, e.g. v8

  // "linux/arm64", "linux/arm64/v8"; throws Error on a malformed string.
  static Platform parse(const std::string& text);
  std::string str() const;
  // Same os and architecture, and same variant when both name one.
  bool matches(const Platform& other) const;
};

struct ImageInfo {
  std::string id;                      // "sha256:" + hex digest of the config blob
  std::vector<std::string> repo_tags;  // e.g. "app:1.0"; may be empty
  nlohmann::json config;               // the image config JSON, as stored
  Platform platform;                   // from the config
  std::string source;                  // the path the user gave, for messages
};

// The uncompressed tar stream of one layer. Reading to the end checks the blob against its
// digest and the uncompressed bytes against the config's diff_id; finish() drains what the
// tar reader left unread (end-of-archive padding) and performs those checks.
class LayerStream : public ByteSource {
 public:
  virtual void finish() = 0;
  // Names the blob in messages, e.g. "app.tar: blobs/sha256/ab12…".
  virtual const std::string& name() const = 0;
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  virtual const ImageInfo& info() const = 0;
  virtual size_t layer_count() const = 0;
  // Bytes of the layer as stored (compressed), known before it is read; 0 when unknown.
  virtual uint64_t layer_stored_size(size_t index) const = 0;
  // Several layers may be open at once, each read by one thread; each stored byte read is
  // counted into `progress`.
  virtual std::unique_ptr<LayerStream> open_layer(size_t index, Progress* progress = nullptr) = 0;
};

// Opens a docker save archive (classic or Docker 25+ OCI-in-tar), an OCI image layout
// directory, or an OCI archive. `path` may end in ":TAG" to pick an image by its
// org.opencontainers.image.ref.name in a layout holding several. An index with several
// platforms is resolved by `wanted`, else `fallback`; no match is an Error that lists the
// platforms present. Every blob named by a digest, and the layer count and diff_ids, are
// checked against the config. In a docker save archive ":TAG" matches a RepoTags entry
// ("app:1.0", or just "1.0"). repo_tags: RepoTags as stored, else the index entry's
// io.containerd.image.name shortened as docker shows it ("app:1.0"), else its ref.name as is.
std::unique_ptr<ImageSource> open_image(const std::string& path,
                                        const std::optional<Platform>& wanted,
                                        const Platform& fallback);

// The file or directory an --image argument names, without its ":TAG"; Error naming the
// argument when nothing by that name exists.
std::string image_file_path(const std::string& image_arg);
// Whether an --image argument names a file or directory that exists (its ":TAG" aside).
bool image_file_exists(const std::string& image_arg);

// A flat root filesystem tar (docker export), possibly gzip or zstd compressed, as a
// one-layer image whose config is `config` (Cmd, Entrypoint, Env, ... given by flags), in the
// shape of an image config ({"config": {"Cmd": ...}}). Nothing is digest-checked; the id is
// "sha256:" + the SHA-256 of config.dump() (compact), so the same flags give the same id.
std::unique_ptr<ImageSource> open_rootfs_tar(const std::string& path, nlohmann::json config,
                                             const Platform& platform);

struct FsNode;
// Error naming `path` when a "root filesystem" is really a container image archive (docker
// save's manifest.json with its layers, or an OCI archive's index.json and oci-layout at the
// top): it would build an enclave of manifest and layer files.
void refuse_container_image_as_rootfs(const FsNode& root, const std::string& path);

}  // namespace eifkit
