#include "lib/image/flatten.h"

#include <stdexcept>
#include <vector>

#include "formats/tar_path.h"
#include "lib/base/error.h"
#include "lib/image/layer_readers.h"

namespace eifkit {

static std::unique_ptr<FsNode> make_dir_node(size_t layer) {
  auto node = std::make_unique<FsNode>();
  node->inode = std::make_shared<Inode>();
  node->layer = layer;
  return node;
}

// Hides everything lower layers put under `dir`, keeping what the current layer added.
static void remove_lower(FsNode& top, size_t layer) {
  std::vector<FsNode*> todo = {&top};  // a worklist: the depth comes from the image
  while (!todo.empty()) {
    FsNode& dir = *todo.back();
    todo.pop_back();
    for (auto it = dir.children.begin(); it != dir.children.end();) {
      if (it->second->layer < layer) {
        it = dir.children.erase(it);
      } else {
        if (it->second->is_dir()) todo.push_back(it->second.get());
        ++it;
      }
    }
  }
}

static void copy_attributes(Inode& to, const TarEntry& from) {
  to.mode = from.mode;
  to.uid = from.uid;
  to.gid = from.gid;
  to.mtime = from.mtime;
}

// Docker sets the times of everything but a symlink through a Chtimes that turns a time
// before 1970, or past what Go's nanosecond clock holds (2262), into 1970-01-01; a symlink's
// it sets as they are.
static int64_t docker_loaded_mtime(const TarEntry& entry) {
  constexpr int64_t kMaxNanosecondSeconds = 9223372036;  // INT64_MAX ns
  if (entry.type == TarEntry::Type::kSymlink) return entry.mtime;
  return entry.mtime < 0 || entry.mtime > kMaxNanosecondSeconds ? 0 : entry.mtime;
}

void Flattener::set_attributes(Inode& to, const TarEntry& from) const {
  copy_attributes(to, from);
  if (options_.docker_parents) to.mtime = docker_loaded_mtime(from);
}

Flattener::Flattener(const ImageLimits& limits, FlattenOptions options)
    : limits_(limits), options_(options) {
  image_.root = make_dir_node(0);
  image_.spool = std::make_unique<SpoolFile>();
}

// The next directory down toward an entry (parts[i]), as overlayfs shows the layers: made
// when missing, except for a whiteout, which gets nullptr (nothing below it to hide); a
// symlink or a file there is refused.
static FsNode* overlay_parent(FsNode& dir, const std::vector<std::string>& parts, size_t i,
                              bool is_whiteout, size_t layer, const TarEntry& entry,
                              const std::string& layer_name) {
  auto it = dir.children.find(parts[i]);
  if (it == dir.children.end()) {
    if (is_whiteout) return nullptr;
    it = dir.children.emplace(parts[i], make_dir_node(layer)).first;
  }
  FsNode* child = it->second.get();
  if (!child->is_dir()) {
    if (is_whiteout) return nullptr;
    std::string path = join_path(
        std::vector<std::string>(parts.begin(), parts.begin() + static_cast<long>(i) + 1));
    fail(layer_name, entry.path + (child->inode->type == TarEntry::Type::kSymlink
                                       ? ": parent " + path + " is a symlink"
                                       : ": parent " + path + " is not a directory"));
  }
  return child;
}

// What a hard link names: a file an earlier entry of the image put there (not a directory).
static const FsNode& hard_link_target(const FsNode& root, const TarEntry& entry,
                                      const std::string& layer_name) {
  auto target = clean_tar_path(entry.link_target);
  if (!target) {
    fail(layer_name,
         entry.path + ": hard link target " + entry.link_target + " escapes the image root");
  }
  const FsNode* found = &root;
  for (const std::string& part : *target) {
    auto it = found->is_dir() ? found->children.find(part) : found->children.end();
    if (it == found->children.end()) {
      found = nullptr;
      break;
    }
    found = it->second.get();
  }
  if (!found || found->is_dir()) {
    fail(layer_name, entry.path + ": hard link to " + entry.link_target +
                         ", which is not an earlier file in the image");
  }
  return *found;
}

bool keeps_file_data(const TarEntry& entry) {
  if (entry.type != TarEntry::Type::kFile) return false;
  auto parts = clean_tar_path(entry.path);
  if (!parts || parts->empty()) return false;
  const std::string& name = parts->back();
  return name != kOpaqueWhiteout && !whiteout_target(name);
}

std::optional<SpooledData> spool_entry_data(TarReader& layer, SpoolFile& spool, uint64_t declared,
                                            std::vector<uint8_t>& buf,
                                            const std::atomic<bool>* stop) {
  SpooledData data{spool.allocate(declared), 0};
  buf.resize(1 << 16);
  for (size_t n; (n = layer.read_data(buf)) > 0;) {
    if (stop && *stop) return std::nullopt;
    spool.write_at(std::span(buf).first(n), data.offset + data.size);
    data.size += n;
  }
  return data;
}

void Flattener::apply_layer(TarReader& layer, const std::string& layer_name) {
  begin_layer();
  TarEntry entry;
  std::vector<uint8_t> buf;
  while (layer.next(entry)) {
    apply_entry(
        entry, [&] { return *spool_entry_data(layer, *image_.spool, entry.size, buf); },
        layer_name);
  }
}

void Flattener::apply_entry(const TarEntry& entry, const SpoolEntryData& data,
                            const std::string& layer_name) {
  if (entry.path.size() > kMaxImagePathBytes) {
    fail(layer_name, entry.path.substr(0, 64) + "…: path is " + std::to_string(entry.path.size()) +
                         " bytes long; Linux resolves at most " +
                         std::to_string(kMaxImagePathBytes));
  }
  auto where = [&](const std::string& what) { fail(layer_name, entry.path + ": " + what); };
  if (++entries_ > limits_.max_entries) {
    where("the image has more than " + std::to_string(limits_.max_entries) +
          " entries (EIFKIT_MAX_IMAGE_ENTRIES raises the limit)");
  }
  auto parts = clean_tar_path(entry.path);
  if (!parts) where("path escapes the image root");
  if (parts->empty()) {
    if (entry.type != TarEntry::Type::kDirectory) where("the image root is not a directory");
    copy_attributes(*image_.root->inode, entry);
    return;
  }
  const std::string name = parts->back();
  parts->pop_back();
  const bool is_whiteout = name == kOpaqueWhiteout || whiteout_target(name).has_value();

  // Walk to the parent directory. A whiteout never creates directories (but Docker's does).
  FsNode* dir = image_.root.get();
  for (size_t i = 0; i < parts->size(); ++i) {
    dir = options_.docker_parents
              ? docker_parent(*dir, *parts, i, entry, layer_name)
              : overlay_parent(*dir, *parts, i, is_whiteout, layer_, entry, layer_name);
    if (!dir) return;  // a whiteout with nothing below to hide
  }

  if (name == kOpaqueWhiteout) {
    remove_lower(*dir, layer_);
    return;
  }
  if (auto target = whiteout_target(name)) {
    auto it = dir->children.find(*target);
    // A whiteout hides lower layers only, never what its own layer added.
    if (it != dir->children.end() && it->second->layer < layer_) dir->children.erase(it);
    return;
  }
  if (entry.xattr_count > 0) ++image_.entries_with_xattrs;

  auto node = std::make_unique<FsNode>();
  node->layer = layer_;
  if (entry.type == TarEntry::Type::kHardlink) {
    const FsNode* found = &hard_link_target(*image_.root, entry, layer_name);
    node->inode = found->inode;
    if (options_.docker_parents) {
      link_to_same_layer(found, entry, layer_name);
      // Docker lchowns the link's path, and chmods and dates it unless it is a symlink: the
      // link's header sets the attributes of the inode both names share.
      Inode& shared = *node->inode;
      shared.uid = entry.uid;
      shared.gid = entry.gid;
      if (shared.type != TarEntry::Type::kSymlink) {
        shared.mode = entry.mode;
        shared.mtime = docker_loaded_mtime(entry);
      }
    }
  } else {
    node->inode = std::make_shared<Inode>();
    Inode& inode = *node->inode;
    inode.type = entry.type;
    set_attributes(inode, entry);
    inode.link_target = entry.link_target;
    inode.rdev_major = entry.rdev_major;
    inode.rdev_minor = entry.rdev_minor;
    if (entry.type == TarEntry::Type::kFile) {
      // Checked as declared, before a byte is spooled: a sparse or compressed file of 100 GB
      // costs a few bytes of input.
      if (entry.size > limits_.max_file_bytes - file_bytes_) {
        where("a " + human_bytes(entry.size) + " file would take the image's files past " +
              human_bytes(limits_.max_file_bytes) + " (EIFKIT_MAX_IMAGE_SIZE raises the limit)");
      }
      file_bytes_ += entry.size;
      SpooledData spooled = data();
      if (spooled.size != entry.size) where("data is shorter than its declared size");
      inode.spool_offset = spooled.offset;
      inode.size = spooled.size;
    }
  }

  auto existing = dir->children.find(name);
  if (existing != dir->children.end() && existing->second->is_dir() && node->is_dir()) {
    // A directory over a directory updates its attributes and merges the contents.
    set_attributes(*existing->second->inode, entry);
    existing->second->layer = layer_;
    existing->second->implicit_parent = false;  // listed after all: its attributes are known
    return;
  }
  dir->children[name] = std::move(node);
}

FsNode* Flattener::docker_parent(FsNode& dir, const std::vector<std::string>& parts, size_t i,
                                 const TarEntry& entry, const std::string& layer_name) {
  auto it = dir.children.find(parts[i]);
  if (it != dir.children.end() && it->second->layer == layer_) {
    // This layer made it already: Docker finds it in the layer's own directory.
    if (!it->second->is_dir()) {
      std::string path = join_path(
          std::vector<std::string>(parts.begin(), parts.begin() + static_cast<long>(i) + 1));
      fail(layer_name, entry.path + (it->second->inode->type == TarEntry::Type::kSymlink
                                         ? ": parent " + path + " is a symlink"
                                         : ": parent " + path + " is not a directory"));
    }
    return it->second.get();
  }
  Inode attributes;  // 0755 root:root
  attributes.mtime = options_.implicit_parent_mtime;
  if (it != dir.children.end() && it->second->is_dir()) {
    // Merged with the lower directory's contents, but with the new directory's attributes.
    *it->second->inode = attributes;
  } else {
    // Missing, or a lower non-directory: the new directory alone is what overlayfs shows.
    auto node = make_dir_node(layer_);
    *node->inode = attributes;
    it = dir.children.insert_or_assign(parts[i], std::move(node)).first;
  }
  it->second->layer = layer_;
  it->second->implicit_parent = true;
  return it->second.get();
}

void Flattener::link_to_same_layer(const FsNode* target, const TarEntry& entry,
                                   const std::string& layer_name) const {
  if (target->layer == layer_) return;
  fail(layer_name, entry.path + ": hard link to " + entry.link_target +
                       ", which an earlier layer holds: Docker extracts each layer alone and "
                       "refuses such a link, so nitro-cli cannot build this image");
}

FlattenedImage Flattener::finish() {
  if (options_.docker_parents) {
    walk_tree(*image_.root, "", [&](const std::string& path, const FsNode& node) {
      if (node.implicit_parent) image_.implicit_parents.push_back({node.layer - 1, path.substr(1)});
    });
  }
  return std::move(image_);
}

FlattenedImage flatten_image(ImageSource& image, Progress* progress,
                             const FlattenOptions& options) {
  uint64_t stored = 0;
  for (size_t i = 0; i < image.layer_count(); ++i) stored += image.layer_stored_size(i);
  progress_begin(progress, "reading layers", stored);
  Flattener flattener(image_limits(), options);
  LayerReaders readers(image, flattener.spool(), flattener.limits(), progress);
  for (size_t i = 0; i < image.layer_count(); ++i) {
    flattener.begin_layer();
    for (ReadEntry entry; readers.next(i, entry);) {
      flattener.apply_entry(
          entry.entry,
          [&entry] {
            if (entry.data_error) std::rethrow_exception(entry.data_error);
            if (!entry.data) throw std::logic_error("a layer reader kept no data for a file");
            return *entry.data;
          },
          readers.layer_name(i));
    }
  }
  FlattenedImage flat = flattener.finish();
  for (size_t i = 0; i < image.layer_count(); ++i)
    flat.layer_names.push_back(readers.layer_name(i));
  return flat;
}

}  // namespace eifkit
