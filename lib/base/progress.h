// How far a long command has got. lib/ counts bytes into it from any thread; cli/ draws it
// (cli/progress_display.h). A command runs in phases ("reading layers", "writing EIF"), each
// with the bytes it will pass when known up front. Functions take a `Progress*` that may be
// null: counting is then skipped.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace eifkit {

class Progress {
 public:
  // Starts a phase; its count starts at 0. total 0: unknown.
  void begin(std::string phase, uint64_t total);
  // Called by begin(), on its thread: for a drawer that must see every phase, even one that
  // ends before it next looks. Set before the work starts.
  std::function<void(const std::string& phase, uint64_t total)> on_begin;
  void add(uint64_t bytes) { done_.fetch_add(bytes, std::memory_order_relaxed); }

  struct State {
    std::string phase;  // "" before the first phase
    uint64_t done = 0;
    uint64_t total = 0;
    uint64_t number = 0;  // counts phases, so a drawer sees a new one begin
  };
  State state() const;

 private:
  mutable std::mutex mutex_;  // guards phase_ and number_
  std::string phase_;
  uint64_t number_ = 0;
  std::atomic<uint64_t> done_{0};
  std::atomic<uint64_t> total_{0};
};

// Null-safe forms for the code that counts.
inline void progress_begin(Progress* p, std::string phase, uint64_t total) {
  if (p) p->begin(std::move(phase), total);
}
inline void progress_add(Progress* p, uint64_t bytes) {
  if (p) p->add(bytes);
}

}  // namespace eifkit
