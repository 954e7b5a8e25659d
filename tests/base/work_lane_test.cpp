#include "lib/base/work_lane.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace eifkit {
namespace {

TEST(WorkLane, RunsJobsInOrder) {
  std::vector<int> seen;
  WorkLane lane;
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) last = lane.submit([&seen, i] { seen.push_back(i); });
  EXPECT_EQ(last, 1000u);
  lane.wait(last);
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<size_t>(i)], i);
}

TEST(WorkLane, AFailureIsRethrownAndTheJobsAfterItAreSkipped) {
  WorkLane lane;
  int ran = 0;
  lane.submit([&] { ++ran; });
  lane.submit([] { throw std::runtime_error("disk full"); });
  uint64_t last = lane.submit([&] { ++ran; });
  try {
    lane.wait(last);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
  EXPECT_EQ(ran, 1);
  EXPECT_THROW(lane.wait_all(), std::runtime_error);
}

}  // namespace
}  // namespace eifkit
