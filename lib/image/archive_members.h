// The members of a tar archive (possibly gzip or zstd compressed), read with libarchive: a
// docker save archive or an OCI archive. One pass over the headers learns the names; opening
// a member reads the archive again from the start up to it, skipping data on the way, which
// for an uncompressed archive is a seek. Nothing is extracted to disk.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "lib/base/file.h"
#include "lib/image/image_files.h"

namespace eifkit {

class ArchiveMembers : public ImageFiles {
 public:
  // Reads every header; an Error if `path` is not a readable tar archive.
  explicit ArchiveMembers(std::string path);

  const std::string& source() const override { return path_; }
  const char* kind() const override { return "archive"; }
  // Follows symbolic and hard links between members (docker save links a layer it has
  // already written), but never out of the archive.
  std::optional<uint64_t> size(const std::string& name) override;
  std::unique_ptr<ByteSource> open(const std::string& name) override;

 private:
  struct Member {
    enum class Kind { kFile, kSymlink, kHardlink };
    Kind kind = Kind::kFile;
    uint64_t ordinal = 0;  // position among the archive's headers
    uint64_t size = 0;
    std::string target;  // links: the member pointed at, already normalized
    bool target_escapes = false;
  };
  const Member* find_file(const std::string& name) const;

  std::string path_;
  std::shared_ptr<File> file_;
  // Cleaned name -> the last header by that name, as tar extraction would leave it.
  std::unordered_map<std::string, Member> members_;
};

}  // namespace eifkit
