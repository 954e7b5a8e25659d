#include "lib/eif/eif_writer.h"

#include <algorithm>
#include <stdexcept>

#include "lib/base/atomic_output.h"
#include "lib/base/error.h"
#include "lib/eif/pcr_accumulator.h"
#include "lib/hash/crc32.h"

namespace eifkit {

static constexpr size_t kChunk = 1 << 20;

namespace {

// Gathers writes into chunks; each full chunk is hashed, checksummed and written by the
// accumulator's lanes while the producer fills the next one (a ring of kRing chunks bounds
// the memory).
class SectionSink : public ByteSink {
 public:
  SectionSink(File& out, uint64_t offset, PcrAccumulator& pcrs, Progress* progress)
      : out_(out), offset_(offset), pcrs_(pcrs), progress_(progress) {}

  // Lanes may still be reading this sink's chunks: they finish before the chunks go.
  ~SectionSink() override {
    try {
      pcrs_.wait_all();
    } catch (...) {  // already reported by flush(), or the unwinding has its own error
    }
  }
  SectionSink(const SectionSink&) = delete;
  SectionSink& operator=(const SectionSink&) = delete;

  void write(std::span<const uint8_t> data) override {
    while (!data.empty()) {
      std::vector<uint8_t>& chunk = current();
      size_t n = std::min(kChunk - chunk.size(), data.size());
      chunk.insert(chunk.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(n));
      data = data.subspan(n);
      if (chunk.size() == kChunk) emit();
    }
  }

  void flush() {
    if (filling_ && !ring_[next_].empty()) emit();
    pcrs_.wait_all();
  }

  uint64_t size() const { return size_; }
  uint32_t crc() const { return crc_; }

 private:
  static constexpr size_t kRing = 3;

  // The chunk being filled; waits until the lanes are done with it from kRing chunks ago.
  std::vector<uint8_t>& current() {
    if (!filling_) {
      pcrs_.wait(tickets_[next_]);
      ring_[next_].clear();
      ring_[next_].reserve(kChunk);
      filling_ = true;
    }
    return ring_[next_];
  }

  void emit() {
    std::span<const uint8_t> chunk = ring_[next_];
    uint64_t at = offset_ + size_;
    // Two SHA-384 streams take most of the time; the write is split between the lanes so
    // that each carries about the same (the CRC is small).
    size_t half = chunk.size() / 2;
    tickets_[next_] = pcrs_.submit(
        chunk,
        [this, chunk, at, half] {
          crc_ = crc32_update(crc_, chunk);
          out_.pwrite_all(chunk.first(half), at);
        },
        [this, chunk, at, half] { out_.pwrite_all(chunk.subspan(half), at + half); });
    size_ += chunk.size();
    progress_add(progress_, chunk.size());
    filling_ = false;
    next_ = (next_ + 1) % kRing;
  }

  File& out_;
  uint64_t offset_;
  PcrAccumulator& pcrs_;
  Progress* progress_;
  std::vector<uint8_t> ring_[kRing];
  uint64_t tickets_[kRing] = {};
  size_t next_ = 0;
  bool filling_ = false;
  uint64_t size_ = 0;
  uint32_t crc_ = 0;  // written by one lane, read after flush()
};

}  // namespace

SectionProducer file_section(std::string path) {
  return [path = std::move(path)](ByteSink& sink) {
    File in = File::open_read(path);
    std::vector<uint8_t> buf(kChunk);
    for (;;) {
      size_t n = in.read_some(buf);
      if (n == 0) break;
      sink.write(std::span(buf).first(n));
    }
  };
}

SectionProducer bytes_section(std::vector<uint8_t> bytes) {
  return [bytes = std::move(bytes)](ByteSink& sink) { sink.write(bytes); };
}

EifWriteResult write_eif(const EifPlan& plan, File& out) {
  const size_t count = plan.sections.size() + (plan.sign ? 1 : 0);
  if (plan.sections.empty() || count > kMaxSections) {
    throw std::logic_error("an EIF holds 1 to 32 sections");
  }
  EifHeader header;
  header.version = plan.version;
  header.default_mem = plan.default_mem;
  header.default_cpus = plan.default_cpus;
  header.flags = plan.arch == Arch::kAarch64 ? kEifFlagAarch64 : 0;
  header.num_sections = static_cast<uint16_t>(count);

  PcrAccumulator pcrs;
  uint64_t offset = kEifHeaderSize;
  uint32_t body_crc = 0;  // of everything after the header, in file order
  uint64_t body_len = 0;
  size_t index = 0;
  auto write_section = [&](SectionType type, const SectionProducer& produce) {
    pcrs.begin_section(static_cast<uint16_t>(type));
    SectionSink sink(out, offset + kSectionHeaderSize, pcrs, plan.progress);
    produce(sink);
    sink.flush();
    // The header follows the data: a producer learns its size only by writing.
    auto section_header = encode_section_header({static_cast<uint16_t>(type), 0, sink.size()});
    out.pwrite_all(section_header, offset);
    uint32_t section_crc = crc32_combine(crc32_update(0, section_header), sink.crc(), sink.size());
    body_crc = crc32_combine(body_crc, section_crc, kSectionHeaderSize + sink.size());
    body_len += kSectionHeaderSize + sink.size();
    header.section_offsets[index] = offset;
    header.section_sizes[index] = sink.size();
    ++index;
    offset += kSectionHeaderSize + sink.size();
  };
  for (const SectionPlan& section : plan.sections) write_section(section.type, section.produce);
  Measurements measurements = pcrs.finish();
  if (plan.sign) {
    // Not measured: the accumulator only routes a signature section's bytes to the CRC.
    write_section(SectionType::kSignature, bytes_section(plan.sign(measurements)));
  }
  auto unsigned_header = encode_eif_header(header);
  uint32_t header_crc =
      crc32_update(0, std::span(unsigned_header).first(kEifCrcCoveredHeaderBytes));
  header.crc32 = crc32_combine(header_crc, body_crc, body_len);
  out.pwrite_all(encode_eif_header(header), 0);
  return EifWriteResult{measurements, header};
}

EifWriteResult write_eif_file(const EifPlan& plan, const std::string& output_path) {
  AtomicOutput output(output_path);
  EifWriteResult result = write_eif(plan, output.file());
  output.commit();
  return result;
}

}  // namespace eifkit
