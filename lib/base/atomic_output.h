// Output files that appear under their final names only when complete. Each is written to an
// unnamed temporary file in the target's directory (O_TMPFILE), given a name beside the target
// only when complete, and renamed over it; where the file system has no O_TMPFILE, to a
// temporary file `.NAME.XXXXXX.tmp` beside the target. A destroyed, uncommitted output leaves
// nothing; SIGINT, SIGTERM and SIGHUP remove named temporaries too (interrupt_cleanup.h), and
// SIGKILL can leave only a named one, in the fallback.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lib/base/file.h"
#include "lib/base/interrupt_cleanup.h"

namespace eifkit {

class AtomicOutput {
 public:
  // mode: permission bits of the final file (before umask). Fails naming the target when its
  // directory is missing or not writable, or the target is a directory: before any work.
  explicit AtomicOutput(std::string target, unsigned mode = 0644);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  File& file() { return file_; }
  const std::string& target() const { return target_; }
  // A path that reads what has been written so far (the output is still open).
  std::string read_path() const;
  // fsyncs, closes, names the temporary file and renames it over the target.
  void commit();

 private:
  friend class AtomicOutputs;
  void finish();  // everything but the rename
  void rename_into_place();

  std::string target_;
  std::string temp_path_;  // named temporary, once there is one
  std::optional<InterruptCleanup> cleanup_;
  File file_;
  bool anonymous_ = false;
  bool committed_ = false;
};

// The outputs of one command: every temporary file is created first (so a bad path fails before
// any work), and the targets are replaced only once all are complete, one rename after another
// in the order they were added. On any error before commit(), every target is left as it was;
// a crash between two renames leaves the earlier targets new and the later ones as they were,
// which is why a command adds the file others describe (an EIF) before its description.
class AtomicOutputs {
 public:
  AtomicOutput& add(std::string target, unsigned mode = 0644);
  void commit();

 private:
  std::vector<std::unique_ptr<AtomicOutput>> outputs_;
};

// A small output (a key, a certificate, a JSON record) written whole, atomically.
void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes,
                           unsigned mode = 0644);
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace eifkit
