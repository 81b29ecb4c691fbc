// One student cell as `kdbench distill` and the grid runner run it: a
// dataset split at a label budget and seed, a fine-tuned teacher (or an
// ensemble), a student, a method and a schedule; the typed result carries
// dev and test accuracy, macro F1, per-example predictions, parameter counts,
// the phases' curves, time, throughput and provenance.
//
// The transfer set is the split's unlabeled examples; 10% of it (at most
// 2,000, fixed by the seed) is held out for model selection in phases
// without labels, for every method and schedule alike. Teacher outputs come
// through the teacher-output cache, so cells after the first make no teacher
// forward passes.
#ifndef KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_
#define KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_

#include <c10/core/Device.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/experiment/student_cell_options.h"
#include "lib/experiment/student_cell_result.h"

namespace kdbench {

// Trains (or fits, for a closed-form student) and evaluates: dev for
// selection, the test split read once after it.
absl::StatusOr<StudentCellResult> RunStudentCell(const StudentCellOptions& options,
                                                 const c10::Device& device);

// Writes the cell's inputs to options.export_dir for the PyTorch peer
// (lib/experiment/cell_export.h) instead of training.
absl::Status ExportStudentCell(const StudentCellOptions& options, const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_
