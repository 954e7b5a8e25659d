#include "lib/base/work_lane.h"

namespace eifkit {

WorkLane::WorkLane() : thread_([this] { run(); }) {}

WorkLane::~WorkLane() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

uint64_t WorkLane::submit(std::function<void()> job) {
  uint64_t number;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    number = ++submitted_;
  }
  changed_.notify_all();
  return number;
}

void WorkLane::wait(uint64_t number) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return done_ >= number; });
  if (error_) std::rethrow_exception(error_);
}

void WorkLane::run() {
  for (;;) {
    std::function<void()> job;
    bool skip;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and everything given has run
      job = std::move(jobs_.front());
      jobs_.pop_front();
      skip = error_ != nullptr;
    }
    std::exception_ptr error;
    if (!skip) {
      try {
        job();
      } catch (...) {
        error = std::current_exception();
      }
    }
    {
      std::lock_guard lock(mutex_);
      ++done_;
      if (error && !error_) error_ = error;
    }
    changed_.notify_all();
  }
}

}  // namespace eifkit
