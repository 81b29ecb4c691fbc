#include "lib/experiment/run_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace kdbench {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RunLogTest, NumbersSegmentsAfterTheLastAndAppends) {
  const std::string dir = ::testing::TempDir() + "/run_log_test";
  ASSERT_EQ(std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str()), 0);
  absl::StatusOr<int> first = StartRunSegment(dir, "rev a, 2 jobs");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, 1);
  // Killed: no end line. The next start still numbers after it, and a
  // line someone else appended (a pause) is kept.
  { std::ofstream(dir + "/run-log.txt", std::ios::app) << "pause 2026-12-06T10:00:00Z\n"; }
  absl::StatusOr<int> second = StartRunSegment(dir, "rev a, 2 jobs");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*second, 2);
  ASSERT_TRUE(EndRunSegment(dir, *second, "3 cells computed").ok());
  const std::string log = ReadAll(dir + "/run-log.txt");
  EXPECT_THAT(log, ContainsRegex("^segment 1 start 20[0-9-]+T[0-9:]+Z \\(rev a, 2 jobs\\)\n"
                                 "pause 2026-12-06T10:00:00Z\n"
                                 "segment 2 start [0-9TZ:-]+ \\(rev a, 2 jobs\\)\n"
                                 "segment 2 end [0-9TZ:-]+ \\(3 cells computed\\)\n$"));
}

TEST(RunLogTest, AnUnwritableDirectoryIsAnErrorNamingTheFile) {
  absl::StatusOr<int> segment = StartRunSegment("/nonexistent/dir", "x");
  ASSERT_FALSE(segment.ok());
  EXPECT_THAT(std::string(segment.status().message()),
              HasSubstr("/nonexistent/dir/run-log.txt: cannot append to the run log"));
}

}  // namespace
}  // namespace kdbench
