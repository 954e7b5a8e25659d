#include "lib/image/layer_stream.h"

#include <vector>

#include "lib/base/error.h"
#include "lib/base/read_ahead_source.h"
#include "lib/hash/sha256.h"
#include "lib/image/decompress.h"
#include "lib/image/oci_descriptor.h"

namespace eifkit {
namespace {

// Hashes and counts what passes through.
class HashingSource : public ByteSource {
 public:
  HashingSource(ByteSource& in, Progress* progress) : in_(in), progress_(progress) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = in_.read(buf);
    hash_.update(buf.first(n));
    count_ += n;
    progress_add(progress_, n);
    return n;
  }
  uint64_t count() const { return count_; }
  std::string digest() { return sha256_digest_string(hash_.finish()); }

 private:
  ByteSource& in_;
  Progress* progress_;
  Sha256 hash_;
  uint64_t count_ = 0;
};

class CheckedLayer : public LayerStream {
 public:
  CheckedLayer(std::unique_ptr<ByteSource> blob, std::string name, LayerChecks checks,
               Progress* progress)
      : blob_(std::move(blob)),
        stored_(*blob_, progress),
        decoded_(open_decompressed(stored_, name)),
        plain_(std::make_unique<ReadAheadSource>(*decoded_)),
        name_(std::move(name)),
        checks_(std::move(checks)) {}

  size_t read(std::span<uint8_t> buf) override {
    // Once a check has failed every later call fails the same way, so a caller that swallowed
    // the first error still cannot finish() a bad layer.
    if (!error_.empty()) throw Error(error_);
    if (checked_) return 0;
    try {
      size_t n = 0;
      try {
        n = plain_->read(buf);
      } catch (const Error&) {
        // A tampered blob usually breaks decompression first; its digest is the truer report.
        check_stored_after_failure();
        throw;
      }
      if (n == 0) {
        check();
        return 0;
      }
      uncompressed_.update(buf.first(n));
      return n;
    } catch (const Error& e) {
      error_ = e.what();
      throw;
    }
  }

  void finish() override {
    std::vector<uint8_t> buf(1 << 16);
    while (read(buf) > 0) {
    }
  }

  const std::string& name() const override { return name_; }

 private:
  void check_stored() {
    if (checks_.size && stored_.count() != *checks_.size) {
      throw Error(name_ + ": blob is " + std::to_string(stored_.count()) +
                  " bytes, its descriptor says " + std::to_string(*checks_.size));
    }
    if (checks_.digest) {
      std::string actual = stored_.digest();
      if (actual != *checks_.digest) fail_digest_mismatch(name_, actual, *checks_.digest);
    }
  }

  void check_stored_after_failure() {
    if (!checks_.digest) return;
    std::vector<uint8_t> buf(1 << 16);
    try {
      while (stored_.read(buf) > 0) {
      }
    } catch (const Error&) {
      return;  // the blob cannot even be read: keep the first error
    }
    check_stored();
  }

  void check() {
    checked_ = true;
    check_stored();
    if (checks_.diff_id) {
      std::string actual = sha256_digest_string(uncompressed_.finish());
      if (actual != *checks_.diff_id) {
        throw Error(name_ + ": uncompressed content " + actual + " does not match diff_id " +
                    *checks_.diff_id + " in the config");
      }
    }
  }

  // Destroyed in reverse: the read-ahead thread stops before what it reads goes away.
  std::unique_ptr<ByteSource> blob_;
  HashingSource stored_;
  std::unique_ptr<ByteSource> decoded_;
  std::unique_ptr<ByteSource> plain_;  // decoded_, read ahead: decompression on its own core
  std::string name_;
  LayerChecks checks_;
  Sha256 uncompressed_;
  bool checked_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<LayerStream> make_layer_stream(std::unique_ptr<ByteSource> blob, std::string name,
                                               LayerChecks checks, Progress* progress) {
  return std::make_unique<CheckedLayer>(std::move(blob), std::move(name), std::move(checks),
                                        progress);
}

}  // namespace eifkit
