// What every student model offers the distillation trainer: a forward pass
// from WordPiece (or word) ids to a pooled representation z and class
// logits, its layer groups from the bottom up (for gradual unfreezing), and
// parameter counts split into embedding and the rest.
//
// Students derive from this polymorphic base rather than from
// torch::nn::Cloneable, so that the trainer, the schedules and the grids take
// any student; copies for model selection go through parameter snapshots
// (lib/distill/early_stopping.h), not clone().
#ifndef KDBENCH_LIB_MODELS_STUDENT_H_
#define KDBENCH_LIB_MODELS_STUDENT_H_

#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lib/models/transformer_internals.h"

namespace kdbench {

struct StudentOutputs {
  torch::Tensor features;  // [batch, feature_size]: the pooled representation z
  torch::Tensor logits;    // [batch, classes]
  // Transformer students only: per-layer internals for feature distillation.
  TransformerInternals layers;
};

// A named set of parameters that is frozen or unfrozen together.
struct LayerGroup {
  std::string name;
  std::vector<torch::Tensor> parameters;
};

class StudentImpl : public torch::nn::Module {
 public:
  // Shape: input_ids [batch, time] int64, lengths [batch] int64 (positions
  // at or past a row's length are padding and must not matter).
  virtual StudentOutputs forward(const torch::Tensor& input_ids, const torch::Tensor& lengths) = 0;

  // Width of z (the input of the classifier and of the distillation heads).
  virtual int64_t feature_size() const = 0;
  virtual int64_t num_classes() const = 0;
  // A short architecture name for results ("bilstm-maxpool", "cnn", ...).
  virtual std::string architecture() const = 0;

  // Bottom (embedding) to top (classifier); together they hold every
  // parameter exactly once.
  virtual std::vector<LayerGroup> LayerGroups() = 0;

  // The token embedding table [vocab, dim] (the parameter itself, for
  // initialising it from word vectors).
  virtual torch::Tensor EmbeddingWeight() = 0;
  // Transformer students (whose forward() fills StudentOutputs::layers):
  // their shape; others: all 0.
  virtual TransformerShape transformer_shape() const { return {}; }
  virtual int64_t EmbeddingParameterCount() const = 0;
  int64_t NonEmbeddingParameterCount() const;
};

using StudentPtr = std::shared_ptr<StudentImpl>;

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_STUDENT_H_
