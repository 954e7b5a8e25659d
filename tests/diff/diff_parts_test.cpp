// The small comparisons diff's report is made of: JSON fields (metadata, records) and the
// kernel command line's words.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/diff/cmdline_diff.h"
#include "lib/diff/json_changes.h"

namespace eifkit {
namespace {

using nlohmann::json;

TEST(JsonChanges, ListsDifferingLeavesByPath) {
  json a = {
      {"BuildMetadata", {{"BuildTime", "2024"}, {"Tool", "x"}}}, {"Tags", {"a", "b"}}, {"Gone", 1}};
  json b = {{"BuildMetadata", {{"BuildTime", "2025"}, {"Tool", "x"}}},
            {"Tags", {"a", "c", "d"}},
            {"New", {{"k", true}}}};
  JsonChanges c = json_changes(a, b, 10);
  EXPECT_EQ(c.count, 5u);
  EXPECT_EQ(c.list, json::parse(R"([
    {"Field": "BuildMetadata.BuildTime", "A": "2024", "B": "2025"},
    {"Field": "Gone", "A": 1},
    {"Field": "Tags[1]", "A": "b", "B": "c"},
    {"Field": "Tags[2]", "B": "d"},
    {"Field": "New", "B": {"k": true}}])"));
}

TEST(JsonChanges, CapsTheListNotTheCountAndSkipsIgnoredFields) {
  json a = {{"x", 1}, {"y", 2}, {"Eif", {{"Path", "a"}, {"Size", 1}}}};
  json b = {{"x", 3}, {"y", 4}, {"Eif", {{"Path", "b"}, {"Size", 1}}}};
  JsonChanges c = json_changes(a, b, 1, {"Eif.Path"});
  EXPECT_EQ(c.count, 2u);
  EXPECT_EQ(c.list, json::parse(R"([{"Field": "x", "A": 1, "B": 3}])"));
}

TEST(JsonChanges, DeepDocumentsAreWalkedWithoutRecursion) {
  json a = 1, b = 2;
  for (int i = 0; i < 10000; ++i) {
    for (json* j : {&a, &b}) {
      json outer = json::array();
      outer.push_back(std::move(*j));
      *j = std::move(outer);
    }
  }
  EXPECT_EQ(json_changes(a, b, 1).count, 1u);
}

TEST(CmdlineDiff, WordsBetweenTheSharedStartAndEnd) {
  json d = diff_cmdlines(std::string("console=ttyS0 quiet reboot=k\0", 29),
                         "console=ttyS0 debug loglevel=7 reboot=k\n");
  EXPECT_EQ(d["Equal"], false);
  EXPECT_EQ(d["A"], "console=ttyS0 quiet reboot=k");
  EXPECT_EQ(d["B"], "console=ttyS0 debug loglevel=7 reboot=k");
  EXPECT_EQ(d["Removed"], json::array({"quiet"}));
  EXPECT_EQ(d["Added"], json::array({"debug", "loglevel=7"}));
}

TEST(CmdlineDiff, AWordAddedAtTheEnd) {
  json d = diff_cmdlines("a b", "a b c");
  EXPECT_EQ(d["Removed"], json::array());
  EXPECT_EQ(d["Added"], json::array({"c"}));
  EXPECT_EQ(diff_cmdlines("a b", "a b")["Equal"], true);
}

}  // namespace
}  // namespace eifkit
