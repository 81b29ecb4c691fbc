// What a student cell computed (lib/experiment/student_cell.h), typed: the
// record's "result" block is written from it at the storage edge
// (student_cell_record.h).
#ifndef KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RESULT_H_
#define KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lib/distill/student_training.h"
#include "lib/experiment/student_cell_options.h"
#include "lib/models/inference_precision.h"

namespace kdbench {

// One teacher as the cell used it.
struct TeacherUse {
  std::string hash;        // of the checkpoint (an ensemble: of its members and weighting)
  std::string checkpoint;  // an ensemble's members after the first: their directory
  int64_t parameters = 0;
  int64_t embedding_parameters = 0;
  // A distilled cell: where the teacher's outputs came from.
  bool distilled = false;
  std::string cache;  // the teacher-output cache's directory
  int64_t forward_passes = 0;
  int64_t reused_from_cache = 0;
  int64_t width = 0;  // its representation's; 0 for an ensemble, which has none
};

// The cell's teacher: one, or an ensemble (its sums, its weighting, each
// member; the first member's vocabulary is the student's).
struct CellTeacherUse {
  TeacherUse teacher;
  std::string ensemble;  // empty: one teacher; else "mean", "confidence", "weights=..."
  std::vector<TeacherUse> members;
};

// The student's embedding initialisation.
struct EmbeddingInitialisation {
  std::string init = "uniform(-0.1, 0.1)";  // or the word vectors' source
  // Word vectors only: the vocabulary rows they covered, of all rows.
  int64_t rows_covered = -1;
  int64_t rows = -1;
};

// The trained student as deployed (lib/models/deployed_bilstm.h) in one
// precision, on the test split.
struct DeploymentResult {
  InferencePrecision precision = InferencePrecision::kFloat32;
  bool supported = false;
  std::string reason;  // why the CPU cannot run it, when not supported
  std::string kernel;
  int64_t recurrent_weight_bytes = 0;
  int64_t threads = 1;
  double test_accuracy = 0;
  double agreement_with_model = 0;
  double seconds_per_example = 0;
  std::vector<int32_t> test_predictions;
};

struct StudentCellResult {
  StudentCellOptions options;  // what was run: the record's config
  std::string student;         // the architecture, as the student names itself
  int64_t labels_per_class = 0;  // the split's (a budget of "all" resolved)
  double dev_accuracy = 0;
  double test_accuracy = 0;
  double test_macro_f1 = 0;
  // Per test example, in the split's order (the same for every seed and
  // budget): McNemar tests and paired bootstraps rerun from the records.
  std::vector<int32_t> test_predictions;
  std::vector<int32_t> test_labels;
  int64_t train_examples = 0;
  int64_t dev_examples = 0;
  int64_t test_examples = 0;
  int64_t transfer_examples = 0;
  int64_t held_out_transfer_examples = 0;
  std::vector<PhaseReport> phases;
  int64_t embedding_parameters = 0;
  int64_t non_embedding_parameters = 0;
  double train_examples_per_second = 0;
  double padding_share = 0;
  double seconds = 0;  // training
  CellTeacherUse teacher;
  EmbeddingInitialisation embedding;
  // Provenance: the split, the corpus, and the student's tokenizer (its
  // vocabulary, WordPieces or words).
  std::string split_hash;
  std::string corpus_hash;
  std::string tokenizer_hash;
  std::vector<DeploymentResult> deployment;  // empty: not asked
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_STUDENT_CELL_RESULT_H_
