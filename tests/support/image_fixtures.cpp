#include "tests/support/image_fixtures.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "lib/base/error.h"
#include "lib/hash/sha256.h"
#include "tests/support/test_support.h"

namespace eifkit::test {

namespace fs = std::filesystem;

bool have_tool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = std::min(dirs.find(':', start), dirs.size());
    std::string candidate = dirs.substr(start, colon - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

void run_tool(const std::vector<std::string>& args) {
  (void)tool_output(args);
}

std::vector<uint8_t> to_bytes(const std::string& text) {
  return {text.begin(), text.end()};
}

std::vector<uint8_t> gzip_bytes(const std::vector<uint8_t>& data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::vector<uint8_t> out(deflateBound(&z, data.size()) + 64);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

std::vector<uint8_t> zstd_bytes(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("ZSTD_compress failed");
  out.resize(n);
  return out;
}

std::string digest_of(const std::vector<uint8_t>& data) {
  return sha256_digest_string(sha256(data));
}

std::string hex_of(const std::string& digest) {
  return digest.substr(7);
}

std::vector<uint8_t> make_tar(const std::vector<TarMember>& members) {
  std::vector<uint8_t> out(1 << 22);
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_set_bytes_in_last_block(a, 1);
  if (archive_write_open_memory(a, out.data(), out.size(), &used) != ARCHIVE_OK) {
    throw std::runtime_error("archive_write_open_memory failed");
  }
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, 0644);
    if (!m.symlink.empty()) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, m.symlink.c_str());
    } else if (!m.hardlink.empty()) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, m.hardlink.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
    }
    if (archive_write_header(a, e) != ARCHIVE_OK) {
      throw std::runtime_error(std::string("archive_write_header: ") + archive_error_string(a));
    }
    if (m.symlink.empty() && m.hardlink.empty())
      archive_write_data(a, m.data.data(), m.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

void write_tar(const std::string& path, const std::vector<TarMember>& members, bool gzip) {
  std::vector<uint8_t> tar = make_tar(members);
  write_bytes(path, gzip ? gzip_bytes(tar) : tar);
}

void umoci_image(const std::string& layout, const std::string& tag, const std::string& arch,
                 const std::vector<std::map<std::string, std::string>>& layers) {
  if (!fs::exists(layout + "/index.json")) run_tool({"umoci", "init", "--layout", layout});
  std::string ref = layout + ":" + tag;
  run_tool({"umoci", "new", "--image", ref});
  run_tool({"umoci", "config", "--image", ref, "--config.cmd", "/bin/hello", "--architecture", arch,
            "--os", "linux"});
  ScratchDir bundle_parent;
  std::string bundle = bundle_parent / "bundle";
  run_tool({"umoci", "unpack", "--rootless", "--image", ref, bundle});
  for (const auto& files : layers) {
    for (const auto& [path, content] : files) {
      fs::path target = fs::path(bundle) / "rootfs" / path;
      fs::create_directories(target.parent_path());
      write_bytes(target, to_bytes(content));
    }
    // --refresh-bundle: the next repack diffs against this layer and stacks on top of it.
    run_tool({"umoci", "repack", "--refresh-bundle", "--image", ref, bundle});
  }
}

const std::string& base_oci_layout() {
  static ScratchDir dir;
  static const std::string path = [] {
    std::string p = dir / "base";
    umoci_image(p, "latest", "amd64", {{{"bin/hello", "hi\n"}}, {{"etc/motd", "motd\n"}}});
    return p;
  }();
  return path;
}

nlohmann::json add_blob(const std::string& layout, const std::vector<uint8_t>& bytes,
                        const std::string& media_type) {
  std::string digest = digest_of(bytes);
  write_bytes(blob_path(layout, digest), bytes);
  return {{"mediaType", media_type}, {"digest", digest}, {"size", bytes.size()}};
}

nlohmann::json read_index(const std::string& layout) {
  return read_json(layout + "/index.json");
}

void write_index(const std::string& layout, const nlohmann::json& index) {
  write_bytes(layout + "/index.json", to_bytes(index.dump()));
}

std::string blob_path(const std::string& layout, const std::string& digest) {
  return layout + "/blobs/sha256/" + hex_of(digest);
}

nlohmann::json read_blob_json(const std::string& layout, const std::string& digest) {
  return read_json(blob_path(layout, digest));
}

nlohmann::json tagged(const std::string& layout, const std::string& tag) {
  nlohmann::json index = read_index(layout);
  for (const auto& d : index["manifests"]) {
    if (d["annotations"]["org.opencontainers.image.ref.name"] == tag) return d;
  }
  throw std::runtime_error("no tag " + tag + " in " + layout);
}

std::vector<std::vector<uint8_t>> read_layers(ImageSource& image) {
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < image.layer_count(); ++i) {
    auto stream = image.open_layer(i);
    std::vector<uint8_t> data, buf(1000);  // odd size: reads cross block boundaries
    for (size_t n; (n = stream->read(buf)) > 0;)
      data.insert(data.end(), buf.begin(), buf.begin() + n);
    stream->finish();
    out.push_back(std::move(data));
  }
  return out;
}

bool contains(const std::vector<uint8_t>& haystack, const std::string& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace eifkit::test
