#include "lib/models/ngram_features.h"

#include <torch/torch.h>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(NgramFeaturesTest, UnigramsAndHashedBigramsOfRealTokensOnly) {
  auto bigram = [](int64_t a, int64_t b) { return 10 + (a * 1000003 + b) % 100; };
  auto [features, offsets] =
      NgramFeatureIds(torch::tensor({{5, 6, 7, 9}, {8, 0, 0, 0}, {0, 3, 0, 0}}),
                      torch::tensor({3, 1, 2}), {.vocab_size = 10, .bigram_buckets = 100});
  EXPECT_EQ(std::vector<int64_t>(features.data_ptr<int64_t>(),
                                 features.data_ptr<int64_t>() + features.numel()),
            (std::vector<int64_t>{5, bigram(5, 6), 6, bigram(6, 7), 7, 8, 3}));
  EXPECT_TRUE(offsets.equal(torch::tensor({0, 5, 6})));
  auto [unigrams, unigram_offsets] = NgramFeatureIds(
      torch::tensor({{5, 6}}), torch::tensor({2}), {.vocab_size = 10, .bigram_buckets = 0});
  EXPECT_TRUE(unigrams.equal(torch::tensor({5, 6})));
}

}  // namespace
}  // namespace kdbench
