// A Kim (2014) CNN student, used by teacher-assistant chains: embedding ->
// dropout -> parallel 1-d convolutions (window widths 3, 4, 5 by default) ->
// ReLU -> max over time -> dropout -> classifier. (Kim drops out before the
// classifier only; the suite's students all drop out their embeddings too.)
//
// Only windows that start inside the sequence count, and sequences shorter
// than the widest window are zero-padded to it, so a prediction never
// depends on how much padding its batch carries.
#ifndef KDBENCH_LIB_MODELS_CNN_STUDENT_H_
#define KDBENCH_LIB_MODELS_CNN_STUDENT_H_

#include <torch/arg.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

#include "lib/models/dropout.h"
#include "lib/models/student.h"

namespace kdbench {

struct CnnStudentOptions {
  CnnStudentOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 300;
  TORCH_ARG(std::vector<int64_t>, window_sizes) = std::vector<int64_t>{3, 4, 5};
  TORCH_ARG(int64_t, filters) = 100;  // per window size
  TORCH_ARG(double, dropout) = 0.5;
  TORCH_ARG(int64_t, padding_idx) = 0;
};

class CnnStudentImpl : public StudentImpl {
 public:
  explicit CnnStudentImpl(CnnStudentOptions options);

  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) override;
  int64_t feature_size() const override {
    return options.filters() * static_cast<int64_t>(options.window_sizes().size());
  }
  int64_t num_classes() const override { return options.num_classes(); }
  std::string architecture() const override { return "cnn"; }
  // embedding, convolutions, classifier
  std::vector<LayerGroup> LayerGroups() override;
  torch::Tensor EmbeddingWeight() override { return embedding->weight; }
  int64_t EmbeddingParameterCount() const override { return embedding->weight.numel(); }

  CnnStudentOptions options;
  torch::nn::Embedding embedding{nullptr};
  torch::nn::ModuleList convolutions{nullptr};
  Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(CnnStudent);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_CNN_STUDENT_H_
