// The log of a run's segments, RESULTS/run-log.txt. A run that is stopped
// and resumed (--resume) is timed by the sum of its segments, less any
// pauses someone logged there ("pause TIME" / "resume TIME" lines);
// report/run_time.py reads it. Its lines:
//   segment N start 2026-12-06T06:39:34Z (free text)
//   segment N end 2026-12-06T08:14:38Z (free text)
// A killed segment has no end line.
#ifndef KDBENCH_LIB_EXPERIMENT_RUN_LOG_H_
#define KDBENCH_LIB_EXPERIMENT_RUN_LOG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// Appends "segment N start NOW (detail)", N one more than the log's last
// segment, and returns N.
absl::StatusOr<int> StartRunSegment(const std::string& results_dir, absl::string_view detail);

// Appends "segment N end NOW (detail)".
absl::Status EndRunSegment(const std::string& results_dir, int segment, absl::string_view detail);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_RUN_LOG_H_
