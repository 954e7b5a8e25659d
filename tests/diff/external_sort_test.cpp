// The bounded-memory sort under diff's path merge: every record back once, in byte order,
// whether it stayed in memory or went through many runs on disk.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "lib/diff/external_sort.h"

namespace eifkit {
namespace {

std::vector<std::string> drain(ExternalSort& sort) {
  std::vector<std::string> out;
  for (std::string r; sort.next(r);) out.push_back(r);
  return out;
}

std::vector<std::string> random_records(size_t n) {
  std::mt19937 rng(7);
  std::vector<std::string> records;
  for (size_t i = 0; i < n; ++i) {
    std::string r(rng() % 40, '\0');
    for (char& c : r) c = static_cast<char>(rng() % 4);  // many shared prefixes and duplicates
    records.push_back(r);
  }
  return records;
}

TEST(ExternalSort, InMemoryWhenUnderTheBudget) {
  ExternalSort sort;
  for (const char* r : {"b", "a", "c", "a"}) sort.add(r);
  EXPECT_EQ(drain(sort), (std::vector<std::string>{"a", "a", "b", "c"}));
  EXPECT_EQ(sort.runs(), 0u);
  EXPECT_EQ(sort.count(), 4u);
}

TEST(ExternalSort, SpillsRunsAndMergesThemInOrder) {
  std::vector<std::string> records = random_records(20000);
  ExternalSort sort(16 << 10);  // a run every few hundred records
  for (const std::string& r : records) sort.add(r);
  std::vector<std::string> sorted = drain(sort);
  std::sort(records.begin(), records.end());
  EXPECT_GT(sort.runs(), 20u);
  EXPECT_EQ(sorted, records);
}

TEST(ExternalSort, EmptyAndOneRecordLongerThanTheRunBuffer) {
  ExternalSort empty(1);
  EXPECT_TRUE(drain(empty).empty());
  ExternalSort sort(1);
  std::string big(200 << 10, 'x');
  sort.add(big);
  sort.add("a");
  EXPECT_EQ(drain(sort), (std::vector<std::string>{"a", big}));
}

}  // namespace
}  // namespace eifkit
