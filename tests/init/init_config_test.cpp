// The enclave init's parsing of /cmd, /env, /user and /workdir, built as a library for tests.
#include "init_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

std::vector<std::string> lines(const std::string& text) {
  string_list list{};
  EXPECT_EQ(parse_lines(text.data(), text.size(), &list), 0);
  std::vector<std::string> out(list.items, list.items + list.count);
  EXPECT_EQ(list.items[list.count], nullptr);  // argv-style terminator
  free_string_list(&list);
  return out;
}

TEST(InitConfig, LinesOnePerEntry) {
  EXPECT_EQ(lines("/bin/app\n--flag\ntwo words\n"),
            (std::vector<std::string>{"/bin/app", "--flag", "two words"}));
}

TEST(InitConfig, EmptyFileMeansNoEntries) {
  EXPECT_TRUE(lines("").empty());
}

TEST(InitConfig, LastLineWithoutNewlineStillCounts) {
  EXPECT_EQ(lines("A=1\nB=2"), (std::vector<std::string>{"A=1", "B=2"}));
}

TEST(InitConfig, EmptyLinesAreEmptyArguments) {
  EXPECT_EQ(lines("echo\n\nx\n"), (std::vector<std::string>{"echo", "", "x"}));
  EXPECT_EQ(lines("\n"), (std::vector<std::string>{""}));
}

TEST(InitConfig, User) {
  uid_t uid = 99;
  gid_t gid = 99;
  EXPECT_EQ(parse_user("1000:1001\n", &uid, &gid), 0);
  EXPECT_EQ(uid, 1000u);
  EXPECT_EQ(gid, 1001u);
  EXPECT_EQ(parse_user("65534", &uid, &gid), 0);
  EXPECT_EQ(uid, 65534u);
  EXPECT_EQ(gid, 0u);
  EXPECT_EQ(parse_user("app", &uid, &gid), -1);
  EXPECT_EQ(parse_user("1:x", &uid, &gid), -1);
  EXPECT_EQ(parse_user("", &uid, &gid), -1);
  EXPECT_EQ(parse_user("99999999999", &uid, &gid), -1);
}

TEST(InitConfig, WorkdirFirstLine) {
  char* line = first_line("/work\n", 6);
  ASSERT_NE(line, nullptr);
  EXPECT_STREQ(line, "/work");
  free(line);
  line = first_line("/srv", 4);
  EXPECT_STREQ(line, "/srv");
  free(line);
  EXPECT_EQ(first_line("", 0), nullptr);  // missing or empty: the init stays in /
}

}  // namespace
