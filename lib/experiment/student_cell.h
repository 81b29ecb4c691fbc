// One student cell as `kdbench distill` runs it. Methods so far: "none"
// (the paper's "student, no distillation": cross-entropy on the labeled
// split only). The distillation methods and schedules come with the losses
// (issue 5); asking for one lists what exists.
#ifndef KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_
#define KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "lib/models/bilstm_student.h"

namespace kdbench {

struct StudentCellOptions {
  std::string dataset;
  std::string path;
  std::string teacher;  // checkpoint directory: the student uses its vocabulary
  std::string method = "none";
  std::string student_size = "mini";
  int64_t labels_per_class = 100;
  uint64_t seed = 1;
  int64_t max_length = 128;
  int64_t max_epochs = 30;
  int64_t patience = 5;
  int64_t batch_size = 64;
  double learning_rate = 1e-3;
};

// "tiny" (32-d embedding, 32 per direction), "mini" (128, 128) or "paper"
// (300, 600); unknown names list the known ones.
absl::StatusOr<BiLstmStudentOptions> StudentSizeOptions(const std::string& size,
                                                        int64_t vocab_size, int64_t num_classes);

// Trains and evaluates (dev for selection, test read once); JSON result.
absl::StatusOr<std::string> RunStudentCell(const StudentCellOptions& options,
                                           const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_H_
