// What a run has to do: the grids' distinct cells, keyed by what they
// compute, and the teachers those cells need, as jobs.
#ifndef KDBENCH_LIB_EXPERIMENT_WORK_PLAN_H_
#define KDBENCH_LIB_EXPERIMENT_WORK_PLAN_H_

#include <string>
#include <utility>
#include <vector>

#include "lib/experiment/grid_runner.h"
#include "lib/experiment/grid_spec.h"

namespace kdbench {

// A grid file and its expanded cells.
struct Grid {
  GridSpec spec;
  std::vector<GridCell> cells;
};

// Cells keyed by GridRunner::CellKey (or teacher jobs by their id).
using KeyedCells = std::vector<std::pair<std::string, GridCell>>;

// Every distinct cell of the grids in first-appearance order, keyed.
KeyedCells DistinctCells(const std::vector<Grid>& grids, const GridRunner& runner);

// One job per distinct teacher that unfinished cells need: pre-training
// first (as a "none" cell, which needs nothing else), then fine-tuning.
KeyedCells TeacherJobs(const KeyedCells& cells, const GridRunner& runner, bool teacher_per_seed);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_WORK_PLAN_H_
