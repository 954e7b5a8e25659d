#include "lib/image/docker_archive.h"

#include <map>

#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/hash/sha256.h"
#include "lib/image/image_config.h"
#include "lib/image/image_limits.h"
#include "lib/image/image_select.h"
#include "lib/image/oci_descriptor.h"
#include "lib/image/oci_layout.h"

namespace eifkit {
namespace {

struct Entry {
  std::string config_name;          // normalized
  std::vector<std::string> layers;  // as written in manifest.json
  std::vector<std::string> repo_tags;
};

// What choosing needs of a config. Entries often share one (every tag of an image does), so
// each is read and parsed once, and only the chosen one is kept whole.
struct ConfigSummary {
  std::string id;  // sha256 of its bytes
  Platform platform;
};

// The digest a file's name promises, if it promises one: "blobs/sha256/<hex>" (Docker 25+)
// or, for the config, "<hex>.json" (classic docker, skopeo).
std::optional<std::string> named_digest(const std::string& name, bool config) {
  std::string candidate;
  if (name.rfind("blobs/sha256/", 0) == 0) {
    candidate = "sha256:" + name.substr(13);
  } else if (config && name.size() == 69 && name.compare(64, 5, ".json") == 0) {
    candidate = "sha256:" + name.substr(0, 64);
  } else {
    return std::nullopt;
  }
  if (!is_sha256_digest(candidate)) return std::nullopt;
  return candidate;
}

std::string checked_reference(ImageFiles& files, const std::string& raw, const char* what) {
  std::optional<std::string> name = reference_name(raw);
  if (!name) {
    fail(files.source(), std::string("manifest.json names a ") + what + " outside the " +
                             files.kind() + ": " + raw);
  }
  if (!files.size(*name)) {
    fail(files.source(), std::string(what) + " " + raw + " is missing from the " + files.kind());
  }
  return *name;
}

// RepoTags may be null (an untagged image) or absent.
std::vector<std::string> repo_tags_of(const nlohmann::json& json) {
  std::vector<std::string> tags;
  if (auto it = json.find("RepoTags"); it != json.end() && it->is_array()) {
    for (const auto& t : *it) {
      if (t.is_string()) tags.push_back(t.get<std::string>());
    }
  }
  return tags;
}

Entry read_entry(ImageFiles& files, const nlohmann::json& json, const std::string& where,
                 size_t max_layers) {
  Entry e;
  e.config_name = checked_reference(files, string_field(json, "Config", where), "config");
  const nlohmann::json& layers = array_field(json, "Layers", where);
  refuse_count_over(layers.size(), max_layers, where, "layers");
  for (const auto& layer : layers) {
    if (!layer.is_string()) throw Error(where + ": \"Layers\" holds a non-string");
    e.layers.push_back(layer.get<std::string>());
  }
  e.repo_tags = repo_tags_of(json);
  return e;
}

// The config's bytes, checked against the digest its name promises, and parsed.
nlohmann::json read_config(ImageFiles& files, const std::string& name, std::string* id) {
  std::string where = files.source() + ": " + name;
  std::vector<uint8_t> bytes = read_small(files, name, kMaxJsonBytes);
  std::string actual = sha256_digest_string(sha256(bytes));
  if (auto expected = named_digest(name, true)) {
    if (actual != *expected) fail_digest_mismatch(where, actual, *expected);
  }
  if (id) *id = actual;
  return parse_json(bytes, where, kImageJsonKeys);
}

bool has_tag(const std::vector<std::string>& repo_tags, const std::string& tag) {
  for (const auto& t : repo_tags) {
    if (t == tag || familiar_name(t) == tag) return true;
    if (t.size() > tag.size() && t.compare(t.size() - tag.size(), tag.size(), tag) == 0 &&
        t[t.size() - tag.size() - 1] == ':') {
      return true;
    }
  }
  return false;
}

}  // namespace

ResolvedImage resolve_docker_archive(ImageFiles& files, const std::optional<std::string>& tag,
                                     const std::optional<Platform>& wanted,
                                     const Platform& fallback) {
  const std::string& source = files.source();
  std::string where = source + ": manifest.json";
  nlohmann::json manifest =
      parse_json(read_small(files, "manifest.json", kMaxJsonBytes), where, kImageJsonKeys);
  if (!manifest.is_array()) throw Error(where + ": expected a JSON array");
  const ImageLimits limits = image_limits();
  refuse_count_over(manifest.size(), limits.max_documents, where, "images");

  std::vector<Entry> entries;
  std::vector<std::string> all_tags;
  for (size_t i = 0; i < manifest.size(); ++i) {
    std::string entry_where = where + ": entry " + std::to_string(i + 1);
    const nlohmann::json& json = manifest[i];
    if (!json.is_object()) throw Error(entry_where + ": expected a JSON object");
    // Tags are checked before the config is read, so an unwanted broken entry does no harm.
    std::vector<std::string> repo_tags = repo_tags_of(json);
    all_tags.insert(all_tags.end(), repo_tags.begin(), repo_tags.end());
    if (tag && !has_tag(repo_tags, *tag)) continue;
    entries.push_back(read_entry(files, json, entry_where, limits.max_layers));
  }
  if (tag && entries.empty()) {
    std::string present;
    for (const auto& t : all_tags) present += (present.empty() ? "" : ", ") + t;
    fail(source, "no image tagged " + *tag +
                     (present.empty() ? " (it has no tags)" : " (tags: " + present + ")"));
  }
  if (entries.empty()) fail(source, "manifest.json lists no images");

  std::map<std::string, ConfigSummary> configs;
  // The last config read is kept: with one image (the usual case) it is the chosen one, and a
  // compressed archive is not read through again for it.
  nlohmann::json last_config;
  std::string last_config_name;
  std::vector<ImageChoice> choices;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto [it, fresh] = configs.try_emplace(entries[i].config_name);
    if (fresh) {
      last_config = read_config(files, it->first, &it->second.id);
      last_config_name = it->first;
      it->second.platform = config_platform(last_config);
    }
    ImageChoice c;
    c.platform = it->second.platform;
    c.id = it->second.id;
    c.group = i;
    c.label = entries[i].repo_tags.empty() ? "untagged " + c.id : entries[i].repo_tags.front();
    choices.push_back(std::move(c));
  }
  size_t chosen_index = select_image(choices, wanted, fallback, source);
  Entry& chosen = entries[chosen_index];

  std::string config_where = source + ": " + chosen.config_name;
  nlohmann::json config = chosen.config_name == last_config_name
                              ? std::move(last_config)
                              : read_config(files, chosen.config_name, nullptr);
  std::vector<std::string> diff_ids = config_diff_ids(config, config_where);
  if (diff_ids.size() != chosen.layers.size()) {
    fail(config_where, "config lists " + std::to_string(diff_ids.size()) +
                           " diff_ids but manifest.json lists " +
                           std::to_string(chosen.layers.size()) + " layers");
  }
  ResolvedImage image;
  for (size_t i = 0; i < chosen.layers.size(); ++i) {
    std::string name = checked_reference(files, chosen.layers[i], "layer");
    LayerChecks checks;
    checks.digest = named_digest(name, false);
    checks.diff_id = diff_ids[i];
    image.layers.push_back({name, checks});
  }
  image.info.id = choices[chosen_index].id;
  image.info.repo_tags = chosen.repo_tags;
  image.info.platform = choices[chosen_index].platform;
  image.info.config = std::move(config);
  image.info.source = source;
  return image;
}

}  // namespace eifkit
