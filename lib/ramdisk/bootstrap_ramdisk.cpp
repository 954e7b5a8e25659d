#include "lib/ramdisk/bootstrap_ramdisk.h"

#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/cpio/cpio_writer.h"

namespace eifkit {

namespace {

CpioMeta bootstrap_meta() {
  CpioMeta m;
  m.perm = 0755;
  m.mtime = kBootstrapMtime;
  return m;
}

// Reads at most the size the header already declared: a file that grows while being read is
// cut there, and one that shrinks is an Error naming it rather than the cpio entry.
class FileSource : public ByteSource {
 public:
  FileSource(File& file, uint64_t size) : file_(file), left_(size) {}

  size_t read(std::span<uint8_t> buf) override {
    if (left_ == 0) return 0;
    if (buf.size() > left_) buf = buf.first(static_cast<size_t>(left_));
    size_t n = file_.read_some(buf);
    if (n == 0) fail(file_.path(), "file shrank while being read");
    left_ -= n;
    return n;
  }

 private:
  File& file_;
  uint64_t left_;
};

void add_file_from_path(CpioWriter& writer, const std::string& name, const std::string& path) {
  File file = File::open_read(path);
  uint64_t size = file.size();
  if (size > 0xffffffffull) fail(path, "is 4 GiB or larger; a cpio ramdisk cannot hold it");
  FileSource source(file, size);
  writer.add_file(name, bootstrap_meta(), size, source);
}

}  // namespace

void write_bootstrap_ramdisk(ByteSink& out, const std::string& init_path,
                             const std::optional<std::string>& nsm_path) {
  CpioWriter writer(out);
  writer.add_directory("dev", bootstrap_meta());
  add_file_from_path(writer, "init", init_path);
  if (nsm_path) add_file_from_path(writer, "nsm.ko", *nsm_path);
  writer.finish();
}

SectionProducer bootstrap_ramdisk_section(std::string init_path,
                                          std::optional<std::string> nsm_path) {
  return [init_path = std::move(init_path), nsm_path = std::move(nsm_path)](ByteSink& sink) {
    write_bootstrap_ramdisk(sink, init_path, nsm_path);
  };
}

}  // namespace eifkit
