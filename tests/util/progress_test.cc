#include "lib/util/progress.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(FormatDurationTest, Units) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(59.4), "59s");
  EXPECT_EQ(FormatDuration(187), "3m07s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(FormatProgressLineTest, RateAndEta) {
  // 25 of 100 in 10 s: 2.5/s, 75 left -> 30 s.
  EXPECT_EQ(FormatProgressLine("cells", 25, 100, 10.0, "cell", 8),
            "cells  [##......]  25/100  2.5 cell/s  ETA 30s");
}

TEST(FormatProgressLineTest, DoneShowsTotalTime) {
  EXPECT_EQ(FormatProgressLine("x", 4, 4, 125.0, "it", 4),
            "x  [####]  4/4  0.0 it/s  done in 2m05s");
}

TEST(FormatProgressLineTest, UnknownTotalHasNoBar) {
  EXPECT_EQ(FormatProgressLine("tokens", 50, 0, 5.0, "tok"),
            "tokens  50  10.0 tok/s  5s");
}

TEST(FormatProgressLineTest, NoProgressYetHasUnknownEta) {
  EXPECT_EQ(FormatProgressLine("x", 0, 10, 0.0, "it", 2),
            "x  [..]  0/10  0.0 it/s  ETA ?");
}

std::string Capture(bool force, int steps) {
  char* buffer = nullptr;
  size_t size = 0;
  FILE* stream = open_memstream(&buffer, &size);
  auto clock = std::chrono::steady_clock::time_point();
  {
    ProgressOptions options;
    options.force = force;
    options.stream = stream;
    options.now = [&clock] { return clock; };
    ProgressBar bar("run", steps, options);
    for (int i = 0; i < steps; ++i) {
      clock += std::chrono::seconds(1);
      bar.Advance();
    }
  }
  std::fclose(stream);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(ProgressBarTest, SilentWhenNotATerminal) {
  // A memory stream is not a terminal.
  EXPECT_EQ(Capture(/*force=*/false, 3), "");
}

TEST(ProgressBarTest, DrawsInPlaceAndEndsLine) {
  std::string text = Capture(/*force=*/true, 2);
  EXPECT_NE(text.find("\rrun  ["), std::string::npos) << text;
  EXPECT_NE(text.find("2/2  1.0 it/s  done in 2s"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace kdbench
