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

struct FlattenedImage {
  std::unique_ptr<FsNode> root;
  std::unique_ptr<SpoolFile> spool;
  size_t entries_with_xattrs = 0;  // newc cannot carry extended attributes
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
  explicit Flattener(const ImageLimits& limits = image_limits());
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
  FlattenedImage image_;
  size_t layer_ = 0;
  ImageLimits limits_;
  uint64_t entries_ = 0;
  uint64_t file_bytes_ = 0;  // declared sizes of every file spooled so far
};

// Streams every layer of the image through the flattener, verifying each as it goes. Later
// layers are read (decompressed, checked, their files spooled) on other threads while earlier
// ones are applied, which gives the same tree and the same first error as reading them one by
// one. Begins a "reading layers" phase of `progress` over the layers' stored sizes.
FlattenedImage flatten_image(ImageSource& image, Progress* progress = nullptr);

}  // namespace eifkit
