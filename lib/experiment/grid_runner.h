// Runs grid cells under a profile, once: every artifact (pre-trained and
// fine-tuned teachers, teacher outputs, cell results) is stored under a key
// that hashes what it depends on, so an interrupted grid resumes where it
// stopped and a cell shared by several grids runs once.
//
// Layout:
//   <store>/teachers/{pretrain,finetune}-...-<key>/  checkpoints + record.json
//   <store>/teacher-outputs/                       the teacher-output cache
//   <store>/locks/<key>.lock                       one writer per artifact
//   <results>/cells/<key>.json                     {"record": ..., "sha256": ...}
// Writes are atomic; a record whose checksum does not match is recomputed.
#ifndef KDBENCH_LIB_EXPERIMENT_GRID_RUNNER_H_
#define KDBENCH_LIB_EXPERIMENT_GRID_RUNNER_H_

#include <c10/core/Device.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/experiment/cell_plan.h"
#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_spec.h"

namespace kdbench {

struct GridRunnerOptions {
  std::string store_dir;    // teachers, teacher outputs, locks
  std::string results_dir;  // cell records
  std::string git_revision = "unknown";
  bool progress = true;  // per-epoch progress of the stages on stderr
};

class GridRunner {
 public:
  GridRunner(const GridProfile* profile, GridRunnerOptions options, c10::Device device);
  ~GridRunner();

  // The cell resolved once under this profile (lib/experiment/cell_plan.h);
  // an error when the roles of its teachers disagree on their precision.
  absl::StatusOr<CellPlan> Plan(const GridCell& cell) const;

  // The content key of a cell under this profile.
  std::string CellKey(const GridCell& cell) const;
  std::string CellPath(const GridCell& cell) const;

  // The stored record (JSON text) if the cell is finished and intact;
  // NotFoundError otherwise.
  absl::StatusOr<std::string> FinishedCell(const GridCell& cell) const;

  // Whether the teachers the cell needs are made (or it needs none: its
  // label budget is not available).
  bool TeacherReady(const GridCell& cell);

  // The cell's teachers (pre-trained, fine-tuned), made if missing.
  // With wait=false, an artifact another process is making right now is an
  // UnavailableError instead of a wait (workers then take other work).
  absl::Status PrepareTeacher(const GridCell& cell, bool wait = true);

  // The cell's record: stored, or computed now (teachers included) and
  // stored. A label budget the dataset cannot give is a record with status
  // "not_available" and the reason, not an error. `wait` as above.
  absl::StatusOr<std::string> RunCell(const GridCell& cell, bool wait = true);

  // Cells and teachers (pre-trained or fine-tuned) computed, not loaded, by
  // this runner so far.
  int64_t computed_cells() const { return computed_cells_; }
  int64_t made_teachers() const { return made_teachers_; }

 private:
  struct TeacherPaths;
  // The profile's settings with "auto" choices made for this machine and
  // device: what keys and records hold.
  ProfileSettings Settings(const std::string& dataset,
                           const std::string& role) const;
  // The plan without its checks: what keys need.
  CellPlan PlanOf(const GridCell& cell) const;
  absl::Status CheckTeacherPrecisions(const CellPlan& plan) const;
  std::string RecordPath(const std::string& key) const;
  absl::StatusOr<std::string> FinishedRecord(const std::string& path) const;
  TeacherPaths LocateTeachers(const GridCell& cell) const;
  absl::StatusOr<TeacherPaths> Teachers(const GridCell& cell, bool wait);
  absl::StatusOr<std::string> Budget(const GridCell& cell);

  const GridProfile* profile_;
  GridRunnerOptions options_;
  c10::Device device_;
  int64_t computed_cells_ = 0;
  int64_t made_teachers_ = 0;
  std::map<std::string, std::string> budget_errors_;  // dataset/labels -> reason ("" = fine)
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_GRID_RUNNER_H_
