// A student cell's inputs written out for an independent implementation (the
// PyTorch-from-Python peer, benchmarks/python_peer_cell.py): the encoded
// splits, the teacher's targets on the transfer set and its held-out slice,
// the student's shape and the schedule's phases, exactly as the suite's own
// training would see them. Python's torch.load reads the tensors
// (torch::pickle_save); cell.json carries the rest.
#ifndef KDBENCH_LIB_EXPERIMENT_CELL_EXPORT_H_
#define KDBENCH_LIB_EXPERIMENT_CELL_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/data/encoded_examples.h"
#include "lib/distill/student_training.h"
#include "lib/distill/training_schedule.h"
#include "lib/models/bilstm_student.h"

namespace kdbench {

struct CellExport {
  const EncodedExamples* train = nullptr;
  const EncodedExamples* dev = nullptr;
  const EncodedExamples* test = nullptr;
  const TransferSet* transfer = nullptr;  // null for labels-only methods
  const TransferSet* held_out = nullptr;
  const BiLstmStudentImpl* student = nullptr;
  std::vector<TrainingPhase> phases;
  int32_t pad_id = 0;
  int64_t teacher_width = 0;
  StudentOptimizer optimizer = StudentOptimizer::kAdadelta;
  double learning_rate = 0;  // 0: the optimiser's default
  int64_t batch_size = 64;
  uint64_t seed = 1;
  double temperature = 2;
  FeatureReduction representation_reduction = FeatureReduction::kHalfSum;
  std::string
      cell_name;  // for the record: dataset/method/... as the suite names it
};

// Writes <dir>/tensors.pt and <dir>/cell.json (atomically, creating dir).
absl::Status ExportCell(const std::string& dir, const CellExport& cell);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_CELL_EXPORT_H_
