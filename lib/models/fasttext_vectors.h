// Word vectors trained on the transfer set with fastText (Debian's
// libfasttext-dev; skip-gram), for students whose embeddings the paper
// initialises from GloVe: the mini profile has no GloVe of its token
// vocabulary, so it learns vectors from its own unlabeled text.
#ifndef KDBENCH_LIB_MODELS_FASTTEXT_VECTORS_H_
#define KDBENCH_LIB_MODELS_FASTTEXT_VECTORS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/models/word_vectors.h"

namespace kdbench {

struct FastTextOptions {
  int64_t dimension = 128;
  int epochs = 5;
  int min_count = 2;
  int window = 5;
  // One thread: fastText's Hogwild updates make more threads
  // non-deterministic.
  int threads = 1;
  int seed = 1;
  std::string scratch_directory;  // for the training text; empty: the system temp dir
};

// `documents` hold space-separated tokens (WordPieces or words). Returns a
// vector for every token fastText kept (min_count).
absl::StatusOr<WordVectors> TrainFastTextVectors(const std::vector<std::string>& documents,
                                                 const FastTextOptions& options);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_FASTTEXT_VECTORS_H_
