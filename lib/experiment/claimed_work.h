// Computing a run's teachers and cells in processes that share the store:
// each artifact is claimed by a file lock (GridRunner's), so any number of
// workers, on one machine or on shards, take what nobody else holds. Each
// item finished prints one event line, "DONE what seconds name summary" or
// "FAILED what name: why", which the worker pool (worker_pool.h) reads.
#ifndef KDBENCH_LIB_EXPERIMENT_CLAIMED_WORK_H_
#define KDBENCH_LIB_EXPERIMENT_CLAIMED_WORK_H_

#include <string>

#include "lib/experiment/grid_runner.h"
#include "lib/experiment/work_plan.h"
#include "nlohmann/json.hpp"

namespace kdbench {

// Makes the teachers that the unfinished cells need (with wait_at_end false,
// those nobody else is making). Returns the failures.
int RunTeacherPhase(const KeyedCells& cells, GridRunner& runner, bool teacher_per_seed,
                    bool wait_at_end = true);

// Computes the unfinished cells. Returns the failures.
int RunCellPhase(const KeyedCells& cells, GridRunner& runner);

// A worker's whole share: the teachers nobody else is making, then the cells
// (a cell whose teacher another worker is still making waits its turn, and
// one whose teacher nobody made makes it). No barrier between the two: a
// worker with no teacher left to take goes on to cells whose teachers are
// ready instead of idling until the last teacher is done. Returns the
// failures; a failed teacher stops this worker before its cells.
int RunTeachersThenCells(const KeyedCells& cells, GridRunner& runner, bool teacher_per_seed);

// Where a finished record's test and dev metrics are: a teacher cell reports
// its fine-tuned teacher's.
const nlohmann::json& RecordTestMetrics(const nlohmann::json& record);

// "ok test_accuracy 0.93", or "not_available: REASON", for progress lines.
std::string CellSummary(const nlohmann::json& record);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_CLAIMED_WORK_H_
