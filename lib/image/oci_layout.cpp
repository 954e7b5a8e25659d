#include "lib/image/oci_layout.h"

#include <set>

#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/image/image_config.h"
#include "lib/image/image_limits.h"
#include "lib/image/image_select.h"
#include "lib/image/oci_descriptor.h"

namespace eifkit {
namespace {

constexpr char kContainerdNameAnnotation[] = "io.containerd.image.name";
constexpr int kMaxIndexDepth = 4;

struct Candidate {
  Descriptor manifest;
  size_t group = 0;  // index.json entry it came from
};

bool is_index_type(const std::string& type) {
  return type == kOciIndexType || type == kDockerListType;
}

bool is_manifest_type(const std::string& type) {
  return type == kOciManifestType || type == kDockerManifestType;
}

// buildx stores provenance and SBOMs as manifests for the platform unknown/unknown.
bool is_attestation(const Descriptor& d) {
  if (d.annotation("vnd.docker.reference.type") == "attestation-manifest") return true;
  return d.platform && d.platform->os == "unknown" && d.platform->architecture == "unknown";
}

std::string blob_where(const ImageFiles& files, const Descriptor& d) {
  return files.source() + ": " + d.blob_name();
}

nlohmann::json read_json_blob(ImageFiles& files, const Descriptor& d) {
  return parse_json(read_blob(files, d, kMaxJsonBytes), blob_where(files, d), kImageJsonKeys);
}

// Every manifest and index is followed once, however many times indexes name it: an index
// naming the same child n times, n levels deep, would otherwise cost n^n reads. (A cycle
// cannot be written, each digest being of its content, but is stopped the same way.)
struct Walk {
  ImageFiles& files;
  size_t max_documents;
  std::set<std::string> seen;
  std::vector<Candidate> candidates;
};

void collect(Walk& walk, const Descriptor& d, size_t group, int depth) {
  ImageFiles& files = walk.files;
  if (is_attestation(d)) return;
  if (!walk.seen.insert(d.digest).second) return;
  if (walk.seen.size() > walk.max_documents) {
    fail(files.source(), "names more than " + std::to_string(walk.max_documents) +
                             " distinct manifests and indexes; no image builder writes that many");
  }
  bool index = is_index_type(d.media_type);
  bool manifest = is_manifest_type(d.media_type);
  nlohmann::json doc;
  if (!index && !manifest) {
    // Other media types (signatures, artifacts) are not images, unless the type is absent and
    // only the content can tell.
    if (!d.media_type.empty()) return;
    doc = read_json_blob(files, d);
    index = doc.is_object() && doc.contains("manifests");
    manifest = doc.is_object() && doc.contains("config") && doc.contains("layers");
  }
  if (manifest) {
    walk.candidates.push_back({d, group});
    return;
  }
  if (!index) return;
  if (depth >= kMaxIndexDepth) fail(blob_where(files, d), "image indexes nested too deeply");
  if (doc.is_null()) doc = read_json_blob(files, d);
  std::string where = blob_where(files, d);
  for (const auto& entry : array_field(doc, "manifests", where)) {
    collect(walk, parse_descriptor(entry, where), group, depth + 1);
  }
}

struct LoadedManifest {
  nlohmann::json manifest;
  Descriptor config_desc;
  nlohmann::json config;
};

LoadedManifest load_manifest(ImageFiles& files, const Descriptor& d) {
  LoadedManifest m;
  m.manifest = read_json_blob(files, d);
  std::string where = blob_where(files, d);
  m.config_desc = parse_descriptor(object_field(m.manifest, "config", where), where);
  m.config = read_json_blob(files, m.config_desc);
  return m;
}

bool tag_matches(const Descriptor& d, const std::string& tag) {
  std::string ref = d.annotation(kRefNameAnnotation);
  std::string name = d.annotation(kContainerdNameAnnotation);
  return (!ref.empty() && ref == tag) ||
         (!name.empty() && (name == tag || familiar_name(name) == tag));
}

std::string tag_label(const Descriptor& d) {
  std::string ref = d.annotation(kRefNameAnnotation);
  if (!ref.empty()) return ref;
  std::string name = d.annotation(kContainerdNameAnnotation);
  return name.empty() ? "untagged " + d.digest : familiar_name(name);
}

std::vector<std::string> repo_tags(const Descriptor& d) {
  std::string name = d.annotation(kContainerdNameAnnotation);
  if (!name.empty()) return {familiar_name(name)};
  std::string ref = d.annotation(kRefNameAnnotation);
  if (!ref.empty()) return {ref};
  return {};
}

}  // namespace

std::string familiar_name(const std::string& name) {
  for (const char* prefix : {"docker.io/library/", "docker.io/"}) {
    std::string p(prefix);
    if (name.size() > p.size() && name.compare(0, p.size(), p) == 0) return name.substr(p.size());
  }
  return name;
}

ResolvedImage resolve_oci_layout(ImageFiles& files, const std::optional<std::string>& tag,
                                 const std::optional<Platform>& wanted, const Platform& fallback) {
  const std::string& source = files.source();
  std::string where = source + ": index.json";
  nlohmann::json index =
      parse_json(read_small(files, "index.json", kMaxJsonBytes), where, kImageJsonKeys);

  std::vector<Descriptor> top;
  std::vector<std::string> tags;
  for (const auto& entry : array_field(index, "manifests", where)) {
    Descriptor d = parse_descriptor(entry, where);
    std::string label = tag_label(d);
    if (d.annotations.contains(kRefNameAnnotation) ||
        d.annotations.contains(kContainerdNameAnnotation)) {
      tags.push_back(label);
    }
    if (!tag || tag_matches(d, *tag)) top.push_back(std::move(d));
  }
  if (tag && top.empty()) {
    std::string present;
    for (const auto& t : tags) present += (present.empty() ? "" : ", ") + t;
    fail(source, "no image tagged " + *tag +
                     (present.empty() ? " (it has no tags)" : " (tags: " + present + ")"));
  }

  const ImageLimits limits = image_limits();
  refuse_count_over(top.size(), limits.max_documents, where, "images");
  Walk walk{files, limits.max_documents, {}, {}};
  for (size_t i = 0; i < top.size(); ++i) collect(walk, top[i], i, 0);
  std::vector<Candidate>& candidates = walk.candidates;
  if (candidates.empty()) fail(source, "index.json lists no image manifests");

  std::vector<ImageChoice> choices;
  for (const auto& c : candidates) {
    ImageChoice choice;
    choice.platform = c.manifest.platform
                          ? *c.manifest.platform
                          : config_platform(load_manifest(files, c.manifest).config);
    choice.id = c.manifest.digest;
    choice.group = c.group;
    choice.label = tag_label(top[c.group]);
    choices.push_back(std::move(choice));
  }
  const Candidate& chosen = candidates[select_image(choices, wanted, fallback, source)];

  LoadedManifest m = load_manifest(files, chosen.manifest);
  std::string manifest_where = blob_where(files, chosen.manifest);
  std::string config_where = blob_where(files, m.config_desc);
  const nlohmann::json& layer_list = array_field(m.manifest, "layers", manifest_where);
  refuse_count_over(layer_list.size(), limits.max_layers, manifest_where, "layers");
  std::vector<Descriptor> layers;
  for (const auto& entry : layer_list) layers.push_back(parse_descriptor(entry, manifest_where));
  std::vector<std::string> diff_ids = config_diff_ids(m.config, config_where);
  if (layers.size() != diff_ids.size()) {
    fail(config_where, "config lists " + std::to_string(diff_ids.size()) +
                           " diff_ids but the manifest lists " + std::to_string(layers.size()) +
                           " layers");
  }

  ResolvedImage image;
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string name = layers[i].blob_name();
    if (!files.size(name)) fail(source, "layer " + name + " is missing from the " + files.kind());
    image.layers.push_back({name, {layers[i].digest, layers[i].size, diff_ids[i]}});
  }
  image.info.id = m.config_desc.digest;
  image.info.repo_tags = repo_tags(top[chosen.group]);
  image.info.platform = config_platform(m.config);
  image.info.config = std::move(m.config);
  image.info.source = source;
  return image;
}

}  // namespace eifkit
