#include "lib/models/mlm_masking.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

MlmMaskingOptions Options() {
  MlmMaskingOptions options;
  options.mask_id = 4;
  options.vocab_size = 1000;
  options.pad_id = 0;
  options.cls_id = 2;
  options.sep_id = 3;
  return options;
}

TEST(MlmMaskingTest, ProportionsAndSpecialTokensFollowBert) {
  // 64 sequences: [CLS] 200 real tokens [SEP] + 20 padding.
  torch::Tensor ids = torch::randint(10, 1000, {64, 222}, torch::kLong);
  ids.select(1, 0).fill_(2);
  ids.select(1, 201).fill_(3);
  ids.slice(1, 202).fill_(0);
  torch::Tensor mask = ids.ne(0);
  MaskedBatch batch = MaskTokens(ids, mask, Options(), at::detail::createCPUGenerator(5));
  torch::Tensor chosen = batch.labels.ne(-100);
  const double chosen_share = chosen.to(torch::kDouble).sum().item<double>() / (64.0 * 200.0);
  EXPECT_NEAR(chosen_share, 0.15, 0.01);
  // Never [CLS], [SEP] or padding.
  EXPECT_FALSE(chosen.select(1, 0).any().item<bool>());
  EXPECT_FALSE(chosen.select(1, 201).any().item<bool>());
  EXPECT_FALSE(chosen.slice(1, 202).any().item<bool>());
  // Labels hold the original ids; unchosen positions are untouched.
  EXPECT_TRUE(batch.labels.index({chosen}).equal(ids.index({chosen})));
  EXPECT_TRUE(batch.input_ids.index({~chosen}).equal(ids.index({~chosen})));
  torch::Tensor now = batch.input_ids.index({chosen});
  torch::Tensor was = ids.index({chosen});
  const double n = static_cast<double>(now.numel());
  const double masked = now.eq(4).to(torch::kDouble).sum().item<double>() / n;
  const double kept = now.eq(was).to(torch::kDouble).sum().item<double>() / n;
  EXPECT_NEAR(masked, 0.8, 0.03);
  EXPECT_NEAR(kept, 0.1, 0.02);  // random replacements rarely hit the same id
}

TEST(MlmMaskingTest, EveryNonEmptySequenceGetsAPositionAndDrawsAreSeeded) {
  torch::Tensor ids = torch::tensor({{2, 50, 3, 0}, {2, 3, 0, 0}}, torch::kLong);
  torch::Tensor mask = ids.ne(0);
  MaskedBatch a = MaskTokens(ids, mask, Options(), at::detail::createCPUGenerator(1));
  EXPECT_EQ(a.labels[0][1].item<int64_t>(), 50);  // the only real token
  EXPECT_FALSE(a.labels[1].ne(-100).any().item<bool>());  // nothing to mask
  MaskedBatch b = MaskTokens(ids, mask, Options(), at::detail::createCPUGenerator(1));
  EXPECT_TRUE(a.input_ids.equal(b.input_ids));
}

}  // namespace
}  // namespace kdbench
