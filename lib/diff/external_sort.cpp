#include "lib/diff/external_sort.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "formats/byte_order.h"
#include "lib/base/error.h"

namespace eifkit {

// What a record costs in memory besides its bytes: the string object and the allocator's
// bookkeeping.
static constexpr size_t kRecordOverhead = sizeof(std::string) + 16;
static constexpr size_t kRunBuffer = 64 << 10;

ExternalSort::ExternalSort(size_t memory_budget) : budget_(memory_budget) {}

void ExternalSort::add(std::string record) {
  memory_bytes_ += record.size() + kRecordOverhead;
  memory_.push_back(std::move(record));
  ++count_;
  if (memory_bytes_ > budget_) spill();
}

// Each record on disk is its 4-byte big-endian length, then its bytes.
void ExternalSort::spill() {
  std::sort(memory_.begin(), memory_.end());
  if (!spool_) spool_.emplace();
  Run run;
  run.offset = run.end = spool_->size();
  uint64_t bytes = 0;
  for (const std::string& r : memory_) bytes += 4 + r.size();
  spool_->reserve(bytes);
  std::vector<uint8_t> out;
  out.reserve(kRunBuffer + 4);
  auto flush = [&] {
    spool_->append(out);
    out.clear();
  };
  for (const std::string& r : memory_) {
    uint8_t len[4];
    store_be<uint32_t>(len, static_cast<uint32_t>(r.size()));
    out.insert(out.end(), len, len + 4);
    out.insert(out.end(), r.begin(), r.end());
    if (out.size() >= kRunBuffer) flush();
  }
  flush();
  run.end = spool_->size();
  runs_.push_back(std::move(run));
  memory_.clear();
  memory_.shrink_to_fit();
  memory_bytes_ = 0;
}

void ExternalSort::finish() {
  if (finished_) return;
  finished_ = true;
  if (runs_.empty()) {
    std::sort(memory_.begin(), memory_.end());
    return;
  }
  if (!memory_.empty()) spill();
  for (size_t i = 0; i < runs_.size(); ++i) {
    std::string first;
    if (read_record(runs_[i], first)) heads_.emplace(std::move(first), i);
  }
}

bool ExternalSort::read_record(Run& run, std::string& record) {
  // Keeps at least `n` unread bytes in the buffer, or says the run has not that many left.
  auto want = [&](size_t n) {
    size_t have = run.buf.size() - run.pos;
    if (have >= n) return true;
    uint64_t left = run.end - run.offset;
    if (have + left < n) return false;
    size_t take = static_cast<size_t>(std::min<uint64_t>(left, std::max(n - have, kRunBuffer)));
    std::vector<uint8_t> next(have + take);
    // An empty buffer may have no storage at all: memcpy must not see its null pointer.
    if (have > 0) std::memcpy(next.data(), run.buf.data() + run.pos, have);
    spool_->read_at(std::span(next).subspan(have), run.offset);
    run.offset += take;
    run.buf = std::move(next);
    run.pos = 0;
    return true;
  };
  if (!want(4)) return false;
  uint32_t len = load_be<uint32_t>(run.buf.data() + run.pos);
  if (!want(4 + size_t{len})) throw Error("temporary sort file: truncated run");
  record.assign(reinterpret_cast<const char*>(run.buf.data() + run.pos + 4), len);
  run.pos += 4 + len;
  return true;
}

bool ExternalSort::next(std::string& record) {
  finish();
  if (runs_.empty()) {
    if (memory_pos_ == memory_.size()) return false;
    record = std::move(memory_[memory_pos_++]);
    return true;
  }
  if (heads_.empty()) return false;
  size_t run = heads_.top().second;
  record = heads_.top().first;
  heads_.pop();
  std::string following;
  if (read_record(runs_[run], following)) heads_.emplace(std::move(following), run);
  return true;
}

}  // namespace eifkit
