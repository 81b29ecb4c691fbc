// A grid cell resolved once under a profile (GridRunner::Plan): what its key,
// its record and its stage read, typed. The teacher artifacts are located
// per member cell (a chain's teacher and assistant from the member's role).
#ifndef KDBENCH_LIB_EXPERIMENT_CELL_PLAN_H_
#define KDBENCH_LIB_EXPERIMENT_CELL_PLAN_H_

#include <string>
#include <vector>

#include "lib/experiment/grid_profile.h"
#include "lib/experiment/grid_spec.h"
#include "lib/models/mixed_precision.h"

namespace kdbench {

struct CellPlan {
  GridCell cell;        // as its grid wrote it: names and keys use its text
  CellTeacher teacher;  // its teacher: single, ensemble (with weighting) or chain
  // The single teachers it stands for, each as a cell of its own role:
  // itself, or an ensemble's members in order (the first one's vocabulary is
  // the student's).
  std::vector<GridCell> members;
  // The profile's settings for the teacher's settings role, machine choices
  // made ("auto" precision), the cell's own transfer cap, and no recurrent
  // dropout for a student without recurrence.
  ProfileSettings settings;
  TrainingPrecision teacher_precision = TrainingPrecision::kFloat32;
  std::string key;  // the content key of its record
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_CELL_PLAN_H_
