#include "lib/models/mlm_masking.h"

#include <torch/torch.h>

namespace kdbench {

MaskedBatch MaskTokens(const at::Tensor& input_ids, const at::Tensor& attention_mask,
                       const MlmMaskingOptions& options, at::Generator generator) {
  torch::Tensor eligible = attention_mask.to(torch::kBool) & input_ids.ne(options.pad_id) &
                           input_ids.ne(options.cls_id) & input_ids.ne(options.sep_id);
  torch::Tensor draw = at::rand(input_ids.sizes(), generator, torch::TensorOptions());
  torch::Tensor chosen = (draw < options.mask_probability) & eligible;
  // At least one position per sequence that has an eligible token: the
  // eligible position with the smallest draw.
  torch::Tensor has_eligible = eligible.any(1);
  torch::Tensor forced = (draw + (~eligible).to(torch::kFloat) * 2.0).argmin(1);
  torch::Tensor none_chosen = (~chosen.any(1)) & has_eligible;
  chosen.index_put_({none_chosen, forced.index({none_chosen})}, true);

  MaskedBatch batch;
  batch.labels = torch::where(chosen, input_ids, torch::full_like(input_ids, -100));
  torch::Tensor action = at::rand(input_ids.sizes(), generator, torch::TensorOptions());
  torch::Tensor to_mask = chosen & (action < options.replace_with_mask);
  torch::Tensor to_random = chosen & (action >= options.replace_with_mask) &
                            (action < options.replace_with_mask + options.replace_with_random);
  torch::Tensor random_ids =
      at::randint(options.vocab_size, input_ids.sizes(), generator,
                  torch::TensorOptions().dtype(input_ids.scalar_type()));
  batch.input_ids = torch::where(to_mask, torch::full_like(input_ids, options.mask_id), input_ids);
  batch.input_ids = torch::where(to_random, random_ids, batch.input_ids);
  return batch;
}

}  // namespace kdbench
