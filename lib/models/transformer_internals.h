// A transformer's per-layer internals for one batch: what feature
// distillation (TinyBERT, MiniLM) matches between a teacher and a
// transformer student. Both fill it from BertEncoderOutputs over the same
// [CLS] ... [SEP] sequences, so positions line up.
#ifndef KDBENCH_LIB_MODELS_TRANSFORMER_INTERNALS_H_
#define KDBENCH_LIB_MODELS_TRANSFORMER_INTERNALS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kdbench {

// A transformer's shape as feature losses need it; all 0: not a transformer.
struct TransformerShape {
  int64_t layers = 0;
  int64_t heads = 0;
  int64_t hidden = 0;
};

struct TransformerInternals {
  at::Tensor token_mask;  // [batch, time] bool: true on real tokens
  // The embedding output, then each layer's output: layers + 1 of
  // [batch, time, hidden].
  std::vector<at::Tensor> hidden_states;
  // Per layer, [batch, heads, time, time]: Q K^T / sqrt(head size) before
  // the padding mask, and the softmax over real tokens.
  std::vector<at::Tensor> attention_scores;
  std::vector<at::Tensor> attentions;
  // Per layer, [batch, heads, time, head size].
  std::vector<at::Tensor> values;

  int64_t layers() const { return static_cast<int64_t>(attention_scores.size()); }
  bool empty() const { return attention_scores.empty(); }
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_TRANSFORMER_INTERNALS_H_
