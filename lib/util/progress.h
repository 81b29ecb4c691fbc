// A progress bar for long loops: count, rate and ETA on stderr, redrawn at
// most a few times a second; silent when stderr is not a terminal (logs and
// CI stay clean).
#ifndef KDBENCH_LIB_UTIL_PROGRESS_H_
#define KDBENCH_LIB_UTIL_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace kdbench {

// "label  [#####.....]  50/100  12.5 it/s  ETA 4s" for `width` bar cells.
// `total` <= 0 means unknown: no bar, no ETA.
std::string FormatProgressLine(absl::string_view label, int64_t done,
                               int64_t total, double elapsed_seconds,
                               absl::string_view unit, int width = 30);

// Seconds as "45s", "3m07s", "2h05m".
std::string FormatDuration(double seconds);

// Wall-clock seconds since `start`.
inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct ProgressOptions {
  std::string unit = "it";
  // Draw even when stderr is not a terminal (tests).
  bool force = false;
  FILE* stream = stderr;
  // Minimum time between redraws.
  std::chrono::milliseconds redraw_interval{200};
  // Injectable clock for tests; defaults to steady_clock.
  std::function<std::chrono::steady_clock::time_point()> now;
};

class ProgressBar {
 public:
  ProgressBar(absl::string_view label, int64_t total,
              ProgressOptions options = {});
  ~ProgressBar();  // Finishes the line if still open.
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Advance(int64_t steps = 1);
  // Draws the final state and ends the line.
  void Finish();

  int64_t done() const { return done_; }
  bool enabled() const { return enabled_; }

 private:
  void Draw();
  double ElapsedSeconds() const;

  std::string label_;
  int64_t total_;
  ProgressOptions options_;
  bool enabled_;
  bool finished_ = false;
  int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_UTIL_PROGRESS_H_
