// A thread that runs the jobs given to it one after another, in order: for work over a stream
// of chunks (one SHA-384 stream, say) that must see them in order but may run beside the code
// producing the next chunk. A job's exception is kept and rethrown by wait(); the jobs after
// a failed one are skipped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace eifkit {

class WorkLane {
 public:
  WorkLane();
  ~WorkLane();  // runs what was given, then stops (errors are dropped: wait() reports them)
  WorkLane(const WorkLane&) = delete;
  WorkLane& operator=(const WorkLane&) = delete;

  // Returns the job's number, counted from 1.
  uint64_t submit(std::function<void()> job);
  // Until job `number` (and every one before it) has run; rethrows the first failure.
  void wait(uint64_t number);
  void wait_all() { wait(submitted_); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  uint64_t submitted_ = 0;  // touched only by the submitting thread and under the lock
  uint64_t done_ = 0;
  std::exception_ptr error_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eifkit
