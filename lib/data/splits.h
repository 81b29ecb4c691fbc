// The paper's split protocol (Mukherjee & Awadallah, Tables 3-4):
// - test: the dataset's test split; for datasets without one, a stratified
//   held-out share of the labeled data, fixed by the corpus content alone
//   (the same for every seed and budget);
// - labeled train: an equal number per class, as many in all as the test
//   set has ("all" labels), or 100 / 500 per class (low-resource budgets);
// - dev: a stratified share (10%) of the labeled train, for early stopping
//   and model selection; or, with dev_per_class, a fixed number per class
//   held out beside the budget (the same examples for every budget of a
//   seed), so that selection at 100 labels per class is not made on 10;
// - unlabeled transfer set: the dataset's unlabeled data plus every labeled
//   example not chosen above, its label stripped.
// A split is a deterministic function of (corpus content hash, budget, seed)
// and names its examples by index, with a hash over all of it.
#ifndef KDBENCH_LIB_DATA_SPLITS_H_
#define KDBENCH_LIB_DATA_SPLITS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/data/corpus.h"

namespace kdbench {

struct SplitOptions {
  // 0 = "all": per class = test size / classes (the paper's full setting).
  int64_t labels_per_class = 0;
  double dev_fraction = 0.1;
  // > 0: the dev split is this many examples per class drawn outside the
  // budget (which then counts training examples only) instead of
  // dev_fraction of it. The paper's 10% of 100 labels per class is 10
  // examples per class: too few to select epochs on.
  int64_t dev_per_class = 0;
  // Share of each class held out as test when the corpus has no test split.
  double held_out_test_fraction = 0.2;
  uint64_t seed = 1;
};

// Indices into the corpus in canonical order: train, then test, then
// unlabeled (see CorpusExample).
struct DataSplit {
  std::vector<int64_t> train, dev, test, unlabeled;
  int64_t labels_per_class = 0;
  bool test_is_held_out = false;
  std::string corpus_hash;
  std::string split_hash;  // over corpus hash, options and every index
};

// SHA-256 over the dataset name, label names and every example (split,
// label, text): a result names exactly the data it used.
std::string CorpusHash(const Corpus& corpus);

int64_t CorpusSize(const Corpus& corpus);
// The example at canonical index `index`.
const Example& CorpusExample(const Corpus& corpus, int64_t index);

// Errors: a budget larger than some class can give (names the class and
// its count), a corpus with no labeled examples, fractions outside (0, 1).
absl::StatusOr<DataSplit> MakeSplit(const Corpus& corpus,
                                    const SplitOptions& options);

// The split as JSON (options, sizes, hashes and index lists).
std::string DataSplitToJson(const DataSplit& split);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_SPLITS_H_
