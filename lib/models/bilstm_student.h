// The paper's student: embedding -> BiLSTM -> max-pool over time of the
// BiLSTM outputs (padding excluded) -> classifier, with dropout after the
// embedding and after pooling.
//
// Recurrent (between-time-step) dropout, which the paper uses at 0.2, is not
// available: LibTorch's fused LSTM has no hook for it, and an unfused cell
// loop would run ~5x slower on CPU. Dropout on the LSTM's inputs and outputs
// is applied instead; the grids record this difference.
#ifndef KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_
#define KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>

#include <cstdint>

namespace kdbench {

struct BiLstmStudentOptions {
  BiLstmStudentOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 300;
  TORCH_ARG(int64_t, hidden_size) = 600;  // per direction
  TORCH_ARG(double, dropout) = 0.4;
  TORCH_ARG(int64_t, padding_idx) = 0;
};

struct StudentOutputs {
  torch::Tensor features;  // [batch, 2 * hidden]: the max-pooled BiLSTM outputs (z)
  torch::Tensor logits;    // [batch, classes]
};

class BiLstmStudentImpl : public torch::nn::Cloneable<BiLstmStudentImpl> {
 public:
  explicit BiLstmStudentImpl(BiLstmStudentOptions options) : options(std::move(options)) {
    reset();
  }
  void reset() override;

  // Shape: input_ids [batch, time] int64, lengths [batch] int64 (>= 1 for
  // real sequences; an empty sequence yields zero features).
  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths);

  // Parameters in the embedding and in everything else.
  int64_t EmbeddingParameterCount() const;
  int64_t NonEmbeddingParameterCount() const;

  BiLstmStudentOptions options;
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LSTM lstm{nullptr};
  torch::nn::Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(BiLstmStudent);

// Max over time of `outputs` [batch, time, features] where `mask` [batch,
// time] is true; rows with no true position give zeros.
torch::Tensor MaskedMaxPool(const torch::Tensor& outputs, const torch::Tensor& mask);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_
