#include "lib/base/progress.h"

namespace eifkit {

void Progress::begin(std::string phase, uint64_t total) {
  if (on_begin) on_begin(phase, total);
  std::lock_guard lock(mutex_);
  phase_ = std::move(phase);
  ++number_;
  done_.store(0, std::memory_order_relaxed);
  total_.store(total, std::memory_order_relaxed);
}

Progress::State Progress::state() const {
  std::lock_guard lock(mutex_);
  return {phase_, done_.load(std::memory_order_relaxed), total_.load(std::memory_order_relaxed),
          number_};
}

}  // namespace eifkit
