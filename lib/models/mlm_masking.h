// BERT's masked-LM corruption: 15% of the real, non-special tokens are
// chosen; of those 80% become [MASK], 10% a random token, 10% stay.
#ifndef KDBENCH_LIB_MODELS_MLM_MASKING_H_
#define KDBENCH_LIB_MODELS_MLM_MASKING_H_

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kdbench {

struct MlmMaskingOptions {
  double mask_probability = 0.15;
  double replace_with_mask = 0.8;
  double replace_with_random = 0.1;  // the rest stay unchanged
  int32_t mask_id = 103;
  int64_t vocab_size = 30522;
  // Never chosen: padding, [CLS], [SEP].
  int32_t pad_id = 0, cls_id = 101, sep_id = 102;
};

struct MaskedBatch {
  at::Tensor input_ids;  // [batch, time] corrupted copy
  at::Tensor labels;     // [batch, time] original id at chosen positions, -100 elsewhere
};

// Shape: input_ids, attention_mask [batch, time]. Each sequence with a real
// token gets at least one chosen position (short texts would otherwise give
// no signal). Random draws use `generator`.
MaskedBatch MaskTokens(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                       const MlmMaskingOptions& options, at::Generator generator);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_MLM_MASKING_H_
