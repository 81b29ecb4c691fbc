// The teacher's stages as commands run them: pre-train a BERT of a named
// size on a dataset's unlabeled transfer set, fine-tune it on the labeled
// split (test read once, at the end), predict for JSON lines.
#ifndef KDBENCH_LIB_EXPERIMENT_TEACHER_STAGES_H_
#define KDBENCH_LIB_EXPERIMENT_TEACHER_STAGES_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"
#include "lib/distill/teacher_output_cache.h"
#include "lib/experiment/teacher_stage_results.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/models/bert_config.h"
#include "lib/models/mixed_precision.h"

namespace kdbench {

// A teacher's classes must be the dataset's, by name and in order: only
// their count equal, distillation would teach inverted labels. The error
// names the checkpoint and both lists.
absl::Status CheckTeacherLabels(const std::vector<std::string>& teacher_labels,
                                const std::string& checkpoint, const std::string& dataset,
                                const std::vector<std::string>& dataset_labels);

struct TeacherDataOptions {
  std::string dataset;
  std::string path;
  int64_t labels_per_class = 0;
  int64_t dev_per_class = 0;  // SplitOptions::dev_per_class
  uint64_t seed = 1;
  int64_t max_length = 128;
};

struct PretrainStageOptions {
  TeacherDataOptions data;
  // General pre-training: MLM on the non-test text of these datasets (their
  // test splits left out, and any text equal to one of their test texts);
  // the checkpoint has no labels and serves every dataset. Empty: MLM on
  // `data`'s transfer set (in-domain).
  std::vector<std::string> general_corpus;
  // In-domain MLM that continues a pre-trained checkpoint (model and
  // vocabulary; size, vocab and vocab_size are then ignored).
  std::string init_checkpoint;
  std::string size = "base";
  std::string vocab;  // empty: learn a WordPiece vocabulary of vocab_size
  // Defaults from the mini runs: SpamAssassin's base teacher went from test
  // 0.84 (3 epochs, 5e-4, 8000 entries) to 0.94 (these) at 100 labels/class.
  int vocab_size = 4000;
  int64_t epochs = 10;
  int64_t batch_size = 32;
  double learning_rate = 1e-3;
  // The arithmetic of the MLM steps (mixed_precision.h).
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  std::string out;
};

struct FinetuneStageOptions {
  TeacherDataOptions data;
  std::string checkpoint;
  int64_t max_epochs = 15;
  int64_t patience = 4;
  int64_t batch_size = 32;
  double learning_rate = 3e-4;
  // The arithmetic of training, dev selection, the test predictions and the
  // larger teacher's outputs (an assistant's).
  TrainingPrecision precision = TrainingPrecision::kFloat32;
  std::string out;
  // A teacher assistant (TAKD): a fine-tuned teacher whose outputs on the
  // split's transfer set (at most transfer_limit examples, 0: all; through
  // the cache in cache_dir) the model learns beside its labels, T^2 KL at
  // `temperature` weighted by `distill_weight`. Empty: plain fine-tuning.
  std::string distill_from;
  std::string cache_dir;
  int64_t transfer_limit = 0;
  double temperature = 2;
  double distill_weight = 1;
};

// Sizes, losses and accuracies, hashes, seconds (teacher_stage_results.h).
absl::StatusOr<PretrainResult> RunPretrainStage(const PretrainStageOptions& options,
                                                const c10::Device& device);
absl::StatusOr<FinetuneResult> RunFinetuneStage(const FinetuneStageOptions& options,
                                                const c10::Device& device);

struct TeacherOutputsStageOptions {
  TeacherDataOptions data;
  std::string checkpoint;
  std::string cache_dir;  // the teacher-output cache's root
  int64_t batch_size = 64;
  int64_t transfer_limit = 0;  // as the student cell selects them; 0: all
  TrainingPrecision precision = TrainingPrecision::kFloat32;
};

// The transfer examples a cell uses: the split's unlabeled indices in an
// order fixed by the seed, cut to `limit` (0: all). Student cells and the
// teacher's own statistics read the same examples, so the cache serves both.
std::vector<int64_t> SelectTransferExamples(std::vector<int64_t> unlabeled, uint64_t seed,
                                            int64_t limit);

// Teacher outputs for the split's unlabeled transfer set, through the cache;
// returns the cache counters (forward passes made,
// examples reused), the parameter counts and the mean population variance
// of the class probabilities (the paper's Table 9) with its one-hot maximum.
absl::StatusOr<TeacherOutputsResult> RunTeacherOutputsStage(
    const TeacherOutputsStageOptions& options, const c10::Device& device);

struct CachedTeacherRun {
  CachedTeacherOutputs outputs;  // rows aligned with the texts
  TeacherOutputCacheCounters counters;
  std::string cache_directory;  // names the cache key (teacher, tokenizer, max length)
  double seconds = 0;
};

// The teacher's outputs for `texts` ([CLS] text [SEP], truncated to
// max_length), computed once in `precision` and then served from the cache
// under `cache_root` (empty: the default); the precision is part of the
// cache key. The whole `pool` (every text the
// teacher may be asked about, in a fixed order) is computed first: a row's
// outputs depend, in their last bits, on the other texts in its batch, so
// batches made from the requests of whichever cell came first would make
// results depend on the order cells ran in.
absl::StatusOr<CachedTeacherRun> TeacherOutputsThroughCache(
    const LoadedTeacher& loaded, const std::vector<std::string>& pool,
    const std::vector<std::string>& texts, int64_t max_length,
    const std::string& cache_root, int64_t batch_size,
    TrainingPrecision precision, const c10::Device& device);

// A dataset's pool for TeacherOutputsThroughCache: its non-test texts (train,
// then unlabeled), in the corpus's order, whatever the split and seed.
std::vector<std::string> TeacherOutputPool(const Corpus& corpus);

// The default cache root: <data directory>/../teacher-outputs
// (~/.cache/kdbench/teacher-outputs).
std::string DefaultTeacherOutputCacheDirectory();

// JSON lines {"text": ...} -> {"logits", "probs", "cls", "pooled"}; errors
// name `source_name` and the line.
absl::Status RunPredictStage(const std::string& checkpoint, int64_t max_length,
                             TrainingPrecision precision, const c10::Device& device,
                             std::istream& in, std::ostream& out, const std::string& source_name);

}  // namespace kdbench

#endif  // KDBENCH_LIB_EXPERIMENT_TEACHER_STAGES_H_
