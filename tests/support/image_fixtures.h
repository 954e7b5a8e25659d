// Building container images at test time for the image-input suites: with the real tools
// (umoci, skopeo) where they are installed, and by hand (tar members, blobs, index.json) for
// the malformed inputs no tool would write.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/image/image_source.h"

namespace eifkit::test {

bool have_tool(const std::string& name);
// Runs a program found in PATH; throws std::runtime_error with its stderr when it fails.
void run_tool(const std::vector<std::string>& args);

std::vector<uint8_t> to_bytes(const std::string& text);
std::vector<uint8_t> gzip_bytes(const std::vector<uint8_t>& data);
std::vector<uint8_t> zstd_bytes(const std::vector<uint8_t>& data);
std::string digest_of(const std::vector<uint8_t>& data);  // "sha256:..."
std::string hex_of(const std::string& digest);            // drops "sha256:"

struct TarMember {
  std::string name;
  std::string data;
  std::string symlink;   // makes it a symbolic link
  std::string hardlink;  // makes it a hard link to an earlier member

  TarMember(std::string n, std::string d) : name(std::move(n)), data(std::move(d)) {}
  static TarMember link(std::string n, std::string target) {
    TarMember m(std::move(n), "");
    m.symlink = std::move(target);
    return m;
  }
  static TarMember hard(std::string n, std::string target) {
    TarMember m(std::move(n), "");
    m.hardlink = std::move(target);
    return m;
  }
};
// An uncompressed ustar/pax archive, or gzip-compressed.
std::vector<uint8_t> make_tar(const std::vector<TarMember>& members);
void write_tar(const std::string& path, const std::vector<TarMember>& members, bool gzip = false);

// Layers written with umoci, one per map of path -> content, under `tag` in the layout
// (created if needed), with Cmd ["/bin/hello"] and the given architecture.
void umoci_image(const std::string& layout, const std::string& tag, const std::string& arch,
                 const std::vector<std::map<std::string, std::string>>& layers);

// A two-layer linux/amd64 image tagged "latest" (bin/hello = "hi\n", then etc/motd), Cmd
// ["/bin/hello"], built with umoci once per test run. Copy it before editing.
const std::string& base_oci_layout();

// Layout editing by hand: blobs, index.json, and the manifest and config behind a tag.
nlohmann::json add_blob(const std::string& layout, const std::vector<uint8_t>& bytes,
                        const std::string& media_type);
nlohmann::json read_index(const std::string& layout);
void write_index(const std::string& layout, const nlohmann::json& index);
nlohmann::json read_blob_json(const std::string& layout, const std::string& digest);
std::string blob_path(const std::string& layout, const std::string& digest);
// The index.json descriptor tagged `tag`.
nlohmann::json tagged(const std::string& layout, const std::string& tag);

// Reads every layer to its end, calls finish(), and returns the uncompressed bytes.
std::vector<std::vector<uint8_t>> read_layers(ImageSource& image);
bool contains(const std::vector<uint8_t>& haystack, const std::string& needle);
// The message of the eifkit::Error that f throws, or "(no error)".
std::string error_of(const std::function<void()>& f);

}  // namespace eifkit::test
