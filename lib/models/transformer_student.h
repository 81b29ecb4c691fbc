// A small BERT-style transformer student for feature distillation
// (TinyBERT, MiniLM): it reads the teacher's WordPieces framed as the
// teacher reads them ([CLS] ... [SEP], at most the teacher's positions), so
// its hidden states and attentions line up with the teacher's position by
// position. z is the pooler output tanh(W h_[CLS] + b); the classifier reads
// it through dropout, as BERT's does.
//
// Trained from BERT's initialisation on the task: the suite runs the
// task-specific stage of TinyBERT and MiniLM, not their general
// distillation on a pre-training corpus.
#ifndef KDBENCH_LIB_MODELS_TRANSFORMER_STUDENT_H_
#define KDBENCH_LIB_MODELS_TRANSFORMER_STUDENT_H_

#include <torch/arg.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lib/models/bert.h"
#include "lib/models/bert_config.h"
#include "lib/models/dropout.h"
#include "lib/models/student.h"

namespace kdbench {

struct TransformerStudentOptions {
  TransformerStudentOptions(BertConfig encoder, int64_t num_classes)
      : encoder_(std::move(encoder)), num_classes_(num_classes) {}
  // The encoder's shape; its max_position_embeddings bounds the framed input.
  TORCH_ARG(BertConfig, encoder);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(int64_t, cls_id) = 101;  // the uncased BERT vocabulary's
  TORCH_ARG(int64_t, sep_id) = 102;
  TORCH_ARG(int64_t, padding_idx) = 0;
};

class TransformerStudentImpl : public StudentImpl {
 public:
  explicit TransformerStudentImpl(TransformerStudentOptions options);

  // Fills StudentOutputs::layers on every call (feature losses also run on
  // the held-out slice in eval mode).
  StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) override;
  int64_t feature_size() const override { return options.encoder().hidden_size; }
  int64_t num_classes() const override { return options.num_classes(); }
  std::string architecture() const override { return "transformer"; }
  // embedding, encoder, classifier (the pooler and the output layer)
  std::vector<LayerGroup> LayerGroups() override;
  torch::Tensor EmbeddingWeight() override { return bert->embeddings->word_embeddings->weight; }
  int64_t EmbeddingParameterCount() const override;
  TransformerShape transformer_shape() const override {
    return ShapeOf(options.encoder());
  }

  TransformerStudentOptions options;
  BertModel bert{nullptr};
  Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};
};
TORCH_MODULE(TransformerStudent);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_TRANSFORMER_STUDENT_H_
