// Sorts records (byte strings, compared as bytes) in bounded memory. Past the memory budget
// the sorted records go to an anonymous temporary file as a run, and reading merges the runs:
// two ramdisks of millions of entries are compared by path without holding either.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "lib/base/spool_file.h"

namespace eifkit {

class ExternalSort {
 public:
  explicit ExternalSort(size_t memory_budget = kDefaultBudget);
  ExternalSort(ExternalSort&&) = default;
  ExternalSort& operator=(ExternalSort&&) = default;

  void add(std::string record);
  // Ends adding: afterwards next() yields every record in order, each once.
  void finish();
  bool next(std::string& record);

  uint64_t count() const { return count_; }
  size_t runs() const { return runs_.size(); }

  static constexpr size_t kDefaultBudget = 8 << 20;

 private:
  struct Run {
    uint64_t offset = 0, end = 0;  // in the spool
    std::vector<uint8_t> buf;
    size_t pos = 0;
  };
  void spill();
  bool read_record(Run& run, std::string& record);

  size_t budget_;
  std::vector<std::string> memory_;
  size_t memory_bytes_ = 0;
  uint64_t count_ = 0;
  std::optional<SpoolFile> spool_;
  std::vector<Run> runs_;
  bool finished_ = false;
  size_t memory_pos_ = 0;  // when nothing was spilled, next() walks memory_
  // The smallest unread record of each run: (record, run index), smallest on top.
  using Head = std::pair<std::string, size_t>;
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads_;
};

}  // namespace eifkit
