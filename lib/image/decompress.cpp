#include "lib/image/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

Compression detect_compression(std::span<const uint8_t> head) {
  if (head.size() >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::kGzip;
  static constexpr uint8_t kZstdMagic[4] = {0x28, 0xb5, 0x2f, 0xfd};
  if (head.size() >= 4 && std::memcmp(head.data(), kZstdMagic, 4) == 0) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

namespace {

constexpr size_t kChunk = 1 << 16;

// Compressed input in chunks, starting with the bytes already read to detect the format.
class Input {
 public:
  Input(ByteSource& in, std::vector<uint8_t> head) : in_(in), buf_(std::move(head)) {
    pending_ = !buf_.empty();
  }

  bool eof() const { return eof_; }

  // The next chunk; empty once the input is exhausted.
  std::span<const uint8_t> next() {
    if (pending_) {
      pending_ = false;
      return buf_;
    }
    if (eof_) return {};
    buf_.resize(kChunk);
    size_t n = in_.read(buf_);
    if (n == 0) eof_ = true;
    return std::span(buf_).first(n);
  }

 private:
  ByteSource& in_;
  std::vector<uint8_t> buf_;
  bool pending_ = false;
  bool eof_ = false;
};

class Passthrough : public ByteSource {
 public:
  Passthrough(ByteSource& in, std::vector<uint8_t> head) : in_(in), head_(std::move(head)) {}

  size_t read(std::span<uint8_t> buf) override {
    if (head_pos_ < head_.size()) {
      size_t n = std::min(buf.size(), head_.size() - head_pos_);
      std::memcpy(buf.data(), head_.data() + head_pos_, n);
      head_pos_ += n;
      return n;
    }
    return in_.read(buf);
  }

 private:
  ByteSource& in_;
  std::vector<uint8_t> head_;
  size_t head_pos_ = 0;
};

class GzipSource : public ByteSource {
 public:
  GzipSource(ByteSource& in, std::vector<uint8_t> head, std::string name)
      : input_(in, std::move(head)), name_(std::move(name)) {
    // 16 + MAX_WBITS: gzip wrapper only, so a zlib or raw deflate stream is refused.
    if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) fail(name_, "cannot start gzip decoder");
  }
  ~GzipSource() override { inflateEnd(&z_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  size_t read(std::span<uint8_t> buf) override {
    if (buf.empty()) return 0;
    size_t want = std::min<size_t>(buf.size(), UINT_MAX);
    z_.next_out = buf.data();
    z_.avail_out = static_cast<uInt>(want);
    for (;;) {
      if (z_.avail_in == 0 && !input_.eof()) {
        std::span<const uint8_t> chunk = input_.next();
        z_.next_in = const_cast<Bytef*>(chunk.data());
        z_.avail_in = static_cast<uInt>(chunk.size());
      }
      bool no_input = z_.avail_in == 0;
      if (!in_member_) {
        if (no_input) return 0;
        // Another gzip member follows (pigz and concatenated streams write several).
        inflateReset(&z_);
        in_member_ = true;
      }
      // Called even without new input: inflate may still hold output from a long match.
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        fail(name_, std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : "invalid stream"));
      }
      size_t produced = want - z_.avail_out;
      if (produced > 0) return produced;
      if (no_input && in_member_) fail(name_, "truncated gzip data");
    }
  }

 private:
  Input input_;
  std::string name_;
  z_stream z_{};
  bool in_member_ = false;
};

class ZstdSource : public ByteSource {
 public:
  ZstdSource(ByteSource& in, std::vector<uint8_t> head, std::string name)
      : input_(in, std::move(head)), name_(std::move(name)), dctx_(ZSTD_createDCtx()) {
    if (!dctx_) fail(name_, "cannot start zstd decoder");
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  size_t read(std::span<uint8_t> buf) override {
    if (buf.empty()) return 0;
    ZSTD_outBuffer out{buf.data(), buf.size(), 0};
    for (;;) {
      if (in_.pos == in_.size && !input_.eof()) {
        std::span<const uint8_t> chunk = input_.next();
        in_ = ZSTD_inBuffer{chunk.data(), chunk.size(), 0};
      }
      bool no_input = in_.pos == in_.size;
      if (no_input && !in_frame_) return 0;
      // Called even without new input: the decoder may still hold output to flush.
      size_t rc = ZSTD_decompressStream(dctx_, &out, &in_);
      if (ZSTD_isError(rc)) {
        fail(name_, std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
      }
      // 0 means a frame ended and everything was flushed; another frame may follow.
      in_frame_ = rc != 0;
      if (out.pos > 0) return out.pos;
      if (no_input && in_frame_) fail(name_, "truncated zstd data");
    }
  }

 private:
  Input input_;
  std::string name_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool in_frame_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_decompressed(ByteSource& in, const std::string& name) {
  std::vector<uint8_t> head(4);
  size_t got = 0;
  while (got < head.size()) {
    size_t n = in.read(std::span(head).subspan(got));
    if (n == 0) break;
    got += n;
  }
  head.resize(got);
  switch (detect_compression(head)) {
    case Compression::kGzip:
      return std::make_unique<GzipSource>(in, std::move(head), name);
    case Compression::kZstd:
      return std::make_unique<ZstdSource>(in, std::move(head), name);
    case Compression::kNone:
      break;
  }
  return std::make_unique<Passthrough>(in, std::move(head));
}

}  // namespace eifkit
