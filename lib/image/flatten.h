// Flattens image layers, bottom first, into one filesystem tree, following the OCI rules:
// ".wh.NAME" deletes NAME from lower layers, ".wh..wh..opq" hides what lower layers put in
// its directory, a later entry replaces an earlier one at the same path (a non-directory
// replacing a directory drops the subtree), hard links stay hard links. Refuses paths that
// escape the root, paths under a symlink, and hard links to missing entries.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/base/progress.h"
#include "lib/base/spool_file.h"
#include "lib/image/fs_tree.h"
#include "lib/image/image_limits.h"
#include "lib/image/image_source.h"
#include "lib/image/tar_reader.h"

namespace eifkit {

// How the layers are merged. By default, the OCI rules alone. `docker_parents` adds what
// `docker load` does on top of them, which is what nitro-cli measures: Docker extracts each
// layer alone into a directory of its own, so
//   - a parent directory that a layer's tar leaves out is created in that layer, 0755
//     root:root, at the moment of the load (here: implicit_parent_mtime), and hides the lower
//     layers' attributes of that directory (or a lower non-directory at that path);
//   - a whiteout creates its parent directories the same way;
//   - a hard link must point at a file of its own layer (Docker refuses the layer otherwise),
//     and its header's owner, mode and mtime become those of the inode it shares;
//   - an mtime before 1970 or after 2262 becomes 0, except a symlink's.
struct FlattenOptions {
  bool docker_parents = false;
  int64_t implicit_parent_mtime = 0;
};

// A directory a layer needed as a parent and did not list (docker_parents only): its
// attributes in a Docker-loaded image depend on when the image was loaded.
struct ImplicitParent {
  size_t layer = 0;  // from 0, bottom first
  std::string path;  // relative to the image root, e.g. "x/y"
};

struct FlattenedImage {
  std::unique_ptr<FsNode> root;
  std::unique_ptr<SpoolFile> spool;
  size_t entries_with_xattrs = 0;                // newc cannot carry extended attributes
  std::vector<ImplicitParent> implicit_parents;  // in tree order
  std::vector<std::string> layer_names;          // as errors name them, bottom first
};

// Where a regular file's data went in the spool. `size` short of the declared size is refused.
struct SpooledData {
  uint64_t offset = 0;
  uint64_t size = 0;
};
// Puts an entry's data into the spool, or says where it already is; called only for a regular
// file that passed every check, so nothing is spooled for an entry that is refused.
using SpoolEntryData = std::function<SpooledData()>;

// Reads the current entry's data from `layer` into `spool`, its declared size allocated first
// (with the free-space check); nullopt when `stop` became true meanwhile.
std::optional<SpooledData> spool_entry_data(TarReader& layer, SpoolFile& spool, uint64_t declared,
                                            std::vector<uint8_t>& buf,
                                            const std::atomic<bool>* stop = nullptr);

// True when an entry names a regular file whose data the flattener keeps: not a whiteout, not
// the root, not a path that escapes it. Layer readers spool exactly these.
bool keeps_file_data(const TarEntry& entry);

class Flattener {
 public:
  explicit Flattener(const ImageLimits& limits = image_limits(), FlattenOptions options = {});
  // Applies the next layer, spooling its files as it reads them; `layer_name` prefixes errors.
  void apply_layer(TarReader& layer, const std::string& layer_name);
  // The same one entry at a time, for entries read elsewhere (on another thread):
  void begin_layer() { ++layer_; }
  void apply_entry(const TarEntry& entry, const SpoolEntryData& data,
                   const std::string& layer_name);
  SpoolFile& spool() { return *image_.spool; }
  const ImageLimits& limits() const { return limits_; }
  FlattenedImage finish();

 private:
  // The directory parts[i] inside `dir`, as Docker's extraction of this layer makes it.
  FsNode* docker_parent(FsNode& dir, const std::vector<std::string>& parts, size_t i,
                        const TarEntry& entry, const std::string& layer_name);
  void link_to_same_layer(const FsNode* target, const TarEntry& entry,
                          const std::string& layer_name) const;
  // The entry's mode, owner and mtime, as Docker would set them in docker_parents mode.
  void set_attributes(Inode& to, const TarEntry& from) const;

  FlattenedImage image_;
  size_t layer_ = 0;
  ImageLimits limits_;
  FlattenOptions options_;
  uint64_t entries_ = 0;
  uint64_t file_bytes_ = 0;  // declared sizes of every file spooled so far
};

// Streams every layer of the image through the flattener, verifying each as it goes. Later
// layers are read (decompressed, checked, their files spooled) on other threads while earlier
// ones are applied, which gives the same tree and the same first error as reading them one by
// one. Begins a "reading layers" phase of `progress` over the layers' stored sizes.
FlattenedImage flatten_image(ImageSource& image, Progress* progress = nullptr,
                             const FlattenOptions& options = {});

}  // namespace eifkit
