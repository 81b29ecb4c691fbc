#include "lib/util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kdbench {

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  int64_t total = static_cast<int64_t>(std::llround(seconds));
  if (total < 60) return absl::StrCat(total, "s");
  if (total < 3600) return absl::StrFormat("%dm%02ds", total / 60, total % 60);
  return absl::StrFormat("%dh%02dm", total / 3600, (total % 3600) / 60);
}

std::string FormatProgressLine(absl::string_view label, int64_t done,
                               int64_t total, double elapsed_seconds,
                               absl::string_view unit, int width) {
  const double rate = elapsed_seconds > 0 ? done / elapsed_seconds : 0.0;
  std::string rate_text = absl::StrFormat("%.1f %s/s", rate, unit);
  if (total <= 0) {
    return absl::StrCat(label, "  ", done, "  ", rate_text, "  ",
                        FormatDuration(elapsed_seconds));
  }
  const double fraction =
      std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0,
                 1.0);
  const int filled = static_cast<int>(fraction * width);
  std::string bar = std::string(filled, '#') + std::string(width - filled, '.');
  std::string eta = "?";
  if (done >= total) {
    eta = "done in " + FormatDuration(elapsed_seconds);
  } else if (rate > 0) {
    eta = "ETA " + FormatDuration((total - done) / rate);
  } else {
    eta = "ETA ?";
  }
  return absl::StrCat(label, "  [", bar, "]  ", done, "/", total, "  ",
                      rate_text, "  ", eta);
}

ProgressBar::ProgressBar(absl::string_view label, int64_t total,
                         ProgressOptions options)
    : label_(label), total_(total), options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return std::chrono::steady_clock::now(); };
  enabled_ = options_.force || ::isatty(::fileno(options_.stream)) == 1;
  start_ = options_.now();
  last_draw_ = start_ - options_.redraw_interval;
}

ProgressBar::~ProgressBar() {
  if (!finished_) Finish();
}

double ProgressBar::ElapsedSeconds() const {
  return std::chrono::duration<double>(options_.now() - start_).count();
}

void ProgressBar::Advance(int64_t steps) {
  done_ += steps;
  if (!enabled_) return;
  const auto now = options_.now();
  if (now - last_draw_ >= options_.redraw_interval) {
    last_draw_ = now;
    Draw();
  }
}

void ProgressBar::Draw() {
  // \r + clear-to-end-of-line redraws in place.
  std::fprintf(options_.stream, "\r%s\033[K",
               FormatProgressLine(label_, done_, total_, ElapsedSeconds(),
                                  options_.unit)
                   .c_str());
  std::fflush(options_.stream);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw();
  std::fputc('\n', options_.stream);
  std::fflush(options_.stream);
}

}  // namespace kdbench
