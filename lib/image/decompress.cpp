#include "lib/image/decompress.h"

#include <isa-l/igzip_lib.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
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

// zlib's words for what ISA-L reports about a deflate body that is too long to replay through
// zlib (kReplayLimit): the caller's message then says the same thing in the same style.
const char* isal_body_error(int rc) {
  switch (rc) {
    case ISAL_INVALID_LOOKBACK:
      return "invalid distance too far back";
    case ISAL_INVALID_SYMBOL:
      return "invalid literal/length or distance code";
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    default:
      return "invalid stream";
  }
}

// A member's first bytes are kept up to this size, so that if ISA-L refuses its deflate data,
// zlib can decode the member again from its start: zlib then gives the message it always gave,
// or, where ISA-L cannot handle a stream that zlib accepts, carries on decoding it.
constexpr size_t kReplayLimit = 1 << 20;

// zlib's inflate, freed with its owner.
class ZlibInflater {
 public:
  ZlibInflater() = default;
  ~ZlibInflater() {
    if (started_) inflateEnd(&z_);
  }
  ZlibInflater(const ZlibInflater&) = delete;
  ZlibInflater& operator=(const ZlibInflater&) = delete;

  // A fresh decoder for one gzip member (16 + MAX_WBITS: gzip wrapper only).
  z_stream& restart(const std::string& name) {
    if (started_) {
      inflateReset(&z_);
    } else {
      if (inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) fail(name, "cannot start gzip decoder");
      started_ = true;
    }
    return z_;
  }
  z_stream& stream() { return z_; }

 private:
  z_stream z_{};
  bool started_ = false;
};

// Gzip members decoded with ISA-L's inflate, which runs about twice as fast as zlib's. The
// header and trailer of each member are read here, checked in the order and with the words of
// zlib's gzip decoder (which this one replaced), so every message stays what it was.
class GzipSource : public ByteSource {
 public:
  GzipSource(ByteSource& in, std::vector<uint8_t> head, std::string name)
      : input_(in, std::move(head)),
        name_(std::move(name)),
        isal_(std::make_unique<inflate_state>()) {
    isal_inflate_init(isal_.get());
  }

  size_t read(std::span<uint8_t> buf) override {
    if (buf.empty()) return 0;
    buf = buf.first(std::min<size_t>(buf.size(), UINT32_MAX));
    for (;;) {
      switch (stage_) {
        case Stage::kBetween:
          if (available().empty()) return 0;
          // Another gzip member follows (pigz and concatenated streams write several).
          start_member();
          break;
        case Stage::kHeader:
          read_header();
          break;
        case Stage::kBody:
          if (size_t n = inflate_body(buf)) return n;
          break;
        case Stage::kTrailer:
          read_trailer();
          break;
        case Stage::kZlib:
          if (size_t n = inflate_with_zlib(buf)) return n;
          break;
      }
    }
  }

 private:
  enum class Stage { kBetween, kHeader, kBody, kTrailer, kZlib };
  enum class Field { kMagic, kMethod, kTimeOs, kExtraLength, kExtra, kName, kComment, kCrc };
  static constexpr uint8_t kFlagHeaderCrc = 0x02, kFlagExtra = 0x04, kFlagName = 0x08,
                           kFlagComment = 0x10, kFlagsReserved = 0xe0;

  [[noreturn]] void corrupt(const char* what) {
    std::string message = "corrupt gzip data: ";
    message += what;
    fail(name_, message);
  }
  [[noreturn]] void truncated() { fail(name_, "truncated gzip data"); }

  // The input not yet consumed: bytes read back first (pending_), then the current chunk.
  // Empty only at the end of the input.
  std::span<const uint8_t> available() {
    if (pending_pos_ < pending_.size()) return std::span(pending_).subspan(pending_pos_);
    if (chunk_.empty() && !input_.eof()) chunk_ = input_.next();
    return chunk_;
  }

  void consume(size_t n) {
    std::span<const uint8_t> used = available().first(n);
    if (replayable_) {
      if (member_.size() + n > kReplayLimit) {
        replayable_ = false;
        member_ = {};
      } else {
        member_.insert(member_.end(), used.begin(), used.end());
      }
    }
    if (pending_pos_ < pending_.size()) {
      pending_pos_ += n;
      if (pending_pos_ == pending_.size()) {
        pending_.clear();
        pending_pos_ = 0;
      }
    } else {
      chunk_ = chunk_.subspan(n);
    }
  }

  // The next byte of a header or trailer; the input ending there is a truncation.
  uint8_t take() {
    std::span<const uint8_t> in = available();
    if (in.empty()) truncated();
    uint8_t b = in[0];
    consume(1);
    return b;
  }

  void start_member() {
    member_.clear();
    replayable_ = true;
    stage_ = Stage::kHeader;
    begin_field(Field::kMagic, 2);
    header_crc_ = crc32(0, nullptr, 0);
  }

  // Reads a header field by field. zlib checks each field as soon as it has its bytes, so a
  // bad magic in a 2-byte tail is "incorrect header check" and a 1-byte tail a truncation.
  void read_header() {
    while (stage_ == Stage::kHeader) {
      uint8_t b = take();
      if (field_ != Field::kCrc) header_crc_ = crc32(header_crc_, &b, 1);
      if (field_ == Field::kName || field_ == Field::kComment) {
        if (b == 0) next_field();
        continue;
      }
      if (field_bytes_ <= 4) field_value_ |= uint32_t{b} << (8 * (field_bytes_ - field_left_));
      if (--field_left_ == 0) next_field();
    }
  }

  void begin_field(Field field, uint32_t bytes) {
    field_ = field;
    field_bytes_ = field_left_ = bytes;
    field_value_ = 0;
  }

  // Checks the field just read and goes on to the next one the flags call for.
  void next_field() {
    switch (field_) {
      case Field::kMagic:
        if (field_value_ != 0x8b1f) corrupt("incorrect header check");
        begin_field(Field::kMethod, 2);
        return;
      case Field::kMethod:
        if ((field_value_ & 0xff) != 8) corrupt("unknown compression method");
        flags_ = static_cast<uint8_t>(field_value_ >> 8);
        if (flags_ & kFlagsReserved) corrupt("unknown header flags set");
        begin_field(Field::kTimeOs, 6);  // MTIME, XFL, OS
        return;
      case Field::kTimeOs:
        if (flags_ & kFlagExtra) return begin_field(Field::kExtraLength, 2);
        break;
      case Field::kExtraLength:
        if (field_value_ > 0) return begin_field(Field::kExtra, field_value_);
        break;
      case Field::kExtra:
      case Field::kName:
      case Field::kComment:
      case Field::kCrc:
        break;
    }
    // After the extra field: the name, the comment and the header's CRC, each if flagged.
    if (field_ < Field::kName && (flags_ & kFlagName)) return begin_field(Field::kName, 0);
    if (field_ < Field::kComment && (flags_ & kFlagComment)) {
      return begin_field(Field::kComment, 0);
    }
    if (field_ < Field::kCrc && (flags_ & kFlagHeaderCrc)) return begin_field(Field::kCrc, 2);
    if (field_ == Field::kCrc && field_value_ != (header_crc_ & 0xffff)) {
      corrupt("header crc mismatch");
    }
    isal_inflate_reset(isal_.get());
    // Raw deflate with the CRC-32 of the output kept: the trailer is checked in read_trailer.
    isal_->crc_flag = ISAL_GZIP_NO_HDR;
    stage_ = Stage::kBody;
  }

  size_t inflate_body(std::span<uint8_t> buf) {
    for (;;) {
      std::span<const uint8_t> in = available();
      isal_->next_in = const_cast<uint8_t*>(in.data());
      isal_->avail_in = static_cast<uint32_t>(in.size());
      isal_->next_out = buf.data();
      isal_->avail_out = static_cast<uint32_t>(buf.size());
      // Called even without new input: ISA-L may still hold output of a long match.
      int rc = isal_inflate(isal_.get());
      consume(in.size() - isal_->avail_in);
      if (rc != ISAL_DECOMP_OK) {
        // What this call wrote is dropped, as zlib's failing call dropped its output.
        if (!replayable_) corrupt(isal_body_error(rc));
        replay_with_zlib();
        return 0;
      }
      size_t produced = buf.size() - isal_->avail_out;
      member_out_ += produced;
      if (isal_->block_state == ISAL_BLOCK_FINISH) {
        end_body();
        return produced;
      }
      if (produced > 0) return produced;
      if (in.empty()) truncated();
    }
  }

  // ISA-L reads input 64 bits at a time: the whole bytes it holds past the deflate data's last
  // bit belong to the trailer, so they are read again from pending_.
  void end_body() {
    uint32_t bits = static_cast<uint32_t>(isal_->read_in_length);
    uint64_t held = isal_->read_in >> (bits % 8);
    std::vector<uint8_t> back(bits / 8);
    for (size_t i = 0; i < back.size(); ++i) back[i] = static_cast<uint8_t>(held >> (8 * i));
    unread(std::move(back));
    crc_ = isal_->crc;
    stage_ = Stage::kTrailer;
  }

  // Puts consumed bytes back in front of the input not yet consumed.
  void unread(std::vector<uint8_t> bytes) {
    bytes.insert(bytes.end(), pending_.begin() + static_cast<ptrdiff_t>(pending_pos_),
                 pending_.end());
    pending_ = std::move(bytes);
    pending_pos_ = 0;
  }

  // zlib checks the CRC-32 as soon as it has its 4 bytes, then the length (ISIZE, mod 2^32).
  void read_trailer() {
    uint32_t crc = 0, size = 0;
    for (int i = 0; i < 4; ++i) crc |= uint32_t{take()} << (8 * i);
    if (crc != crc_) corrupt("incorrect data check");
    for (int i = 0; i < 4; ++i) size |= uint32_t{take()} << (8 * i);
    if (size != static_cast<uint32_t>(member_out_)) corrupt("incorrect length check");
    member_out_ = 0;
    stage_ = Stage::kBetween;
  }

  // Hands the member, from its first byte, to zlib, which skips the output already returned.
  void replay_with_zlib() {
    std::vector<uint8_t> member = std::move(member_);
    member_ = {};
    replayable_ = false;
    unread(std::move(member));
    zlib_.restart(name_);
    skip_ = member_out_;
    stage_ = Stage::kZlib;
  }

  size_t inflate_with_zlib(std::span<uint8_t> buf) {
    z_stream& z = zlib_.stream();
    for (;;) {
      std::span<const uint8_t> in = available();
      z.next_in = const_cast<Bytef*>(in.data());
      z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT_MAX));
      std::span<uint8_t> out = buf;
      if (skip_ > 0) {
        scratch_.resize(kChunk);
        out = std::span(scratch_).first(std::min<uint64_t>(scratch_.size(), skip_));
      }
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      int rc = inflate(&z, Z_NO_FLUSH);
      consume(in.size() - z.avail_in);
      if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
        corrupt(z.msg ? z.msg : "invalid stream");
      }
      size_t produced = out.size() - z.avail_out;
      if (skip_ > 0) {
        skip_ -= produced;
        produced = 0;
      }
      if (rc == Z_STREAM_END) {
        scratch_ = {};
        member_out_ = 0;
        stage_ = Stage::kBetween;
        return produced;
      }
      if (produced > 0) return produced;
      if (in.empty() && out.size() == z.avail_out) truncated();
    }
  }

  Input input_;
  std::string name_;
  std::unique_ptr<inflate_state> isal_;  // about 100 KiB
  ZlibInflater zlib_;
  Stage stage_ = Stage::kBetween;
  std::span<const uint8_t> chunk_;  // what is left of input_'s latest chunk
  std::vector<uint8_t> pending_;    // read again before chunk_
  size_t pending_pos_ = 0;
  // The header being read.
  Field field_ = Field::kMagic;
  uint32_t field_bytes_ = 0, field_left_ = 0, field_value_ = 0;
  uint8_t flags_ = 0;
  uLong header_crc_ = 0;
  // The member being decoded.
  uint64_t member_out_ = 0;  // output bytes returned so far
  uint32_t crc_ = 0;
  std::vector<uint8_t> member_;  // its bytes so far, while at most kReplayLimit
  bool replayable_ = false;
  uint64_t skip_ = 0;  // output zlib decodes again and drops
  std::vector<uint8_t> scratch_;
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
