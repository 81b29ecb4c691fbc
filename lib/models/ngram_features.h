// Bag-of-n-gram feature ids of token id sequences, for the classic-model
// students (logistic regression, naive Bayes): unigram t is feature t,
// bigram (a, b) is feature vocab_size + (a * 1000003 + b) mod
// bigram_buckets. Positions at or past a row's length, and padding ids,
// make no feature.
#ifndef KDBENCH_LIB_MODELS_NGRAM_FEATURES_H_
#define KDBENCH_LIB_MODELS_NGRAM_FEATURES_H_

#include <torch/types.h>

#include <cstdint>
#include <utility>

namespace kdbench {

struct NgramSpace {
  int64_t vocab_size = 0;
  int64_t bigram_buckets = 1 << 18;  // 0: unigrams only
  int64_t padding_idx = 0;
  int64_t size() const { return vocab_size + bigram_buckets; }
};

// The feature ids of a batch, concatenated, and where each row's start
// (EmbeddingBag's input and offsets), on input_ids' device.
// Shape: input_ids [batch, time] int64, lengths [batch].
std::pair<torch::Tensor, torch::Tensor> NgramFeatureIds(const torch::Tensor& input_ids,
                                                        const torch::Tensor& lengths,
                                                        const NgramSpace& space);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_NGRAM_FEATURES_H_
