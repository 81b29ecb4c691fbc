#include "lib/experiment/claimed_work.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/util/progress.h"

namespace kdbench {
namespace {

using Clock = std::chrono::steady_clock;

// Prints a line both to the console and, for the parent, as an event.
void Event(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// Claims work by file locks: sweeps take what nobody else holds, again and
// again while that finds work; only when everything left is held by other
// workers does it wait, for the first of it (or, with wait_at_end false,
// return and leave the rest to its holders). Waiting while other work is
// free left a core idle: a worker blocked on a teacher fine-tuning that the
// other held, with two more fine-tunings unclaimed. A job returns "" for
// work that was already done. Returns the number of failures.
using Job = std::function<absl::StatusOr<std::string>(const GridCell& cell, bool wait)>;
int RunClaimed(const KeyedCells& jobs, const char* what, bool label_is_id, const Job& job,
               bool wait_at_end = true) {
  std::vector<bool> done(jobs.size(), false);
  int failures = 0;
  size_t remaining = jobs.size();
  bool wait = false;
  while (remaining > 0) {
    bool progress = false;
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (done[i]) continue;
      const auto start = Clock::now();
      absl::StatusOr<std::string> outcome = job(jobs[i].second, wait);
      if (absl::IsUnavailable(outcome.status()) && !wait) continue;
      done[i] = true;
      --remaining;
      progress = true;
      wait = false;
      if (outcome.ok() && outcome->empty()) continue;  // finished by another worker
      const std::string& label = label_is_id ? jobs[i].first : jobs[i].second.Name();
      if (!outcome.ok()) {
        ++failures;
        Event(absl::StrCat("FAILED ", what, " ", label, ": ", outcome.status().message()));
      } else {
        Event(absl::StrCat("DONE ", what, " ", SecondsSince(start), " ", label, " ", *outcome));
      }
    }
    if (!progress) {
      if (!wait_at_end) break;
      wait = true;  // the next sweep blocks on the first job left
    }
  }
  return failures;
}

}  // namespace

const nlohmann::json& RecordTestMetrics(const nlohmann::json& record) {
  return record.value("kind", "") == "teacher" ? record["teacher"]["finetune"] : record["result"];
}

std::string CellSummary(const nlohmann::json& record) {
  if (record.value("status", "") != "ok") {
    return absl::StrCat("not_available: ", record.value("reason", ""));
  }
  return absl::StrCat("ok test_accuracy ", RecordTestMetrics(record).value("test_accuracy", -1.0));
}

int RunTeacherPhase(const KeyedCells& cells, GridRunner& runner, bool teacher_per_seed,
                    bool wait_at_end) {
  return RunClaimed(TeacherJobs(cells, runner, teacher_per_seed), "teacher", true,
                    [&](const GridCell& cell, bool wait) -> absl::StatusOr<std::string> {
                      if (runner.TeacherReady(cell)) return std::string();
                      const int64_t made = runner.made_teachers();
                      absl::Status status = runner.PrepareTeacher(cell, wait);
                      if (!status.ok()) return status;
                      // Made by another worker while this one waited.
                      if (runner.made_teachers() == made) return std::string();
                      return std::string("ready");
                    },
                    wait_at_end);
}

int RunCellPhase(const KeyedCells& cells, GridRunner& runner) {
  return RunClaimed(cells, "cell", false,
                    [&](const GridCell& cell, bool wait) -> absl::StatusOr<std::string> {
                      if (runner.FinishedCell(cell).ok()) return std::string();
                      const int64_t computed = runner.computed_cells();
                      absl::StatusOr<std::string> record = runner.RunCell(cell, wait);
                      if (!record.ok()) return record.status();
                      // Finished by another worker while this one waited.
                      if (runner.computed_cells() == computed) return std::string();
                      return CellSummary(nlohmann::json::parse(*record));
                    });
}

int RunTeachersThenCells(const KeyedCells& cells, GridRunner& runner, bool teacher_per_seed) {
  const int failures = RunTeacherPhase(cells, runner, teacher_per_seed, /*wait_at_end=*/false);
  if (failures > 0) return failures;
  return RunCellPhase(cells, runner);
}

}  // namespace kdbench
