#include "lib/image/directory_files.h"

#include <sys/stat.h>

#include <cerrno>

#include "lib/base/error.h"
#include "lib/base/file_source.h"

namespace eifkit {
namespace {

class DirectoryFiles : public ImageFiles {
 public:
  explicit DirectoryFiles(std::string dir) : dir_(std::move(dir)) {}

  const std::string& source() const override { return dir_; }
  const char* kind() const override { return "directory"; }

  std::optional<uint64_t> size(const std::string& name) override {
    struct stat st;
    std::string path = dir_ + "/" + name;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      fail_errno(path, "cannot stat");
    }
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<uint64_t>(st.st_size);
  }

  std::unique_ptr<ByteSource> open(const std::string& name) override {
    return std::make_unique<FileSource>(dir_ + "/" + name);
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<ImageFiles> open_directory_files(const std::string& dir) {
  return std::make_unique<DirectoryFiles>(dir);
}

}  // namespace eifkit
