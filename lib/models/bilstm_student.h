// The paper's student: embedding -> BiLSTM -> max-pool over time of the
// BiLSTM outputs (padding excluded) -> classifier, with dropout after the
// embedding and after pooling. With BiLstmPooling::kLastState it is the
// paper's "RNN" baseline instead: the forward direction's state at the last
// real token joined with the backward direction's state at the first. With
// head_width > 0 it is the authors' released variant: a Dense(head_width,
// gelu) layer after pooling, whose output is both z and the classifier's
// input (the representation loss then compares z with the teacher directly).
//
// The two directions run as two unidirectional LSTMs over dense batches; the
// backward one reads each sequence reversed within its own length, so it
// starts at the last real token and never sees padding. This equals a packed
// bidirectional LSTM (tests/models/bilstm_student_test.cc checks it) and runs
// ~6x faster on CPU: LibTorch's packed-sequence path steps through time
// without the fused kernels. Each direction is LstmThroughTime
// (lib/models/lstm_recurrence.h): on CPU a hand-written backward pass, ~1.2x
// (paper size) to ~1.5x (mini) faster to train than LibTorch's LSTM.
//
// Recurrent (between-time-step) dropout, which the paper uses at 0.2: with
// recurrent_dropout > 0, while training, each direction multiplies h_{t-1}
// by a mask drawn once per batch (variational, as Keras's recurrent_dropout
// in the paper's code) before the recurrent product.
#ifndef KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_
#define KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_

#include <torch/arg.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

#include "lib/models/dropout.h"
#include "lib/models/sequence_masking.h"
#include "lib/models/student.h"

namespace kdbench {

enum class BiLstmPooling { kMax, kLastState };

struct BiLstmStudentOptions {
  BiLstmStudentOptions(int64_t vocab_size, int64_t num_classes)
      : vocab_size_(vocab_size), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, vocab_size);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, embedding_dim) = 300;
  TORCH_ARG(int64_t, hidden_size) = 600;  // per direction
  TORCH_ARG(double, dropout) = 0.4;
  TORCH_ARG(int64_t, padding_idx) = 0;
  TORCH_ARG(BiLstmPooling, pooling) = BiLstmPooling::kMax;
  TORCH_ARG(int64_t, head_width) = 0;  // 0: no shared Dense(gelu) head
  TORCH_ARG(double, recurrent_dropout) = 0.0;  // the paper: 0.2
};

class BiLstmStudentImpl : public StudentImpl {
 public:
  explicit BiLstmStudentImpl(BiLstmStudentOptions options);

  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) override;
  int64_t feature_size() const override {
    return options.head_width() > 0 ? options.head_width() : 2 * options.hidden_size();
  }
  int64_t num_classes() const override { return options.num_classes(); }
  std::string architecture() const override {
    return options.pooling() == BiLstmPooling::kMax ? "bilstm-maxpool" : "bilstm-last-state";
  }
  // embedding, bilstm, classifier (with the shared head, if any)
  std::vector<LayerGroup> LayerGroups() override;
  torch::Tensor EmbeddingWeight() override { return embedding->weight; }
  int64_t EmbeddingParameterCount() const override { return embedding->weight.numel(); }

  BiLstmStudentOptions options;
  torch::nn::Embedding embedding{nullptr};
  torch::nn::LSTM lstm_forward{nullptr};
  torch::nn::LSTM lstm_backward{nullptr};
  Dropout dropout{nullptr};
  torch::nn::Linear head{nullptr};  // only with head_width > 0
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(BiLstmStudent);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_BILSTM_STUDENT_H_
