// Pre-trained word vectors for a student's embedding: read from a text file
// in GloVe format ("word v1 ... vD" per line) or word2vec text format (the
// same after a "count dim" header line), and copied into the rows of an
// embedding table whose tokens they cover. Rows for tokens without a vector
// keep their initialisation (U(-0.1, 0.1), as the paper does).
#ifndef KDBENCH_LIB_MODELS_WORD_VECTORS_H_
#define KDBENCH_LIB_MODELS_WORD_VECTORS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "lib/text/vocabulary.h"

namespace kdbench {

struct WordVectors {
  int64_t dimension = 0;
  absl::flat_hash_map<std::string, std::vector<float>> vectors;
};

// Errors name the file and line: a row whose width differs from the first
// row's (or the header's), a value that is not a finite number, an empty
// file. A word repeated later in the file keeps its first vector.
absl::StatusOr<WordVectors> ReadWordVectorsText(const std::string& path);

struct EmbeddingInitReport {
  int64_t covered = 0;  // vocabulary rows set from a vector
  int64_t total = 0;    // vocabulary rows
};

// Copies vectors into `weight` [vocab, dim] (no gradient recorded) for every
// vocabulary token that has one. The widths must match.
absl::StatusOr<EmbeddingInitReport> InitializeEmbedding(const at::Tensor& weight,
                                                        const Vocabulary& vocabulary,
                                                        const WordVectors& vectors);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_WORD_VECTORS_H_
