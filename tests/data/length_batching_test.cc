#include "lib/data/length_batching.h"

#include <algorithm>
#include <numeric>

#include "gtest/gtest.h"
#include "lib/util/stable_random.h"

namespace kdbench {
namespace {

std::vector<int64_t> RandomLengths(int n) {
  StableRandom random(4);
  std::vector<int64_t> lengths;
  for (int i = 0; i < n; ++i) lengths.push_back(3 + static_cast<int64_t>(random.Uniform(120)));
  return lengths;
}

TEST(LengthBatchingTest, EveryIndexOnceAndBatchSizesBounded) {
  std::vector<int64_t> lengths = RandomLengths(1000);
  auto batches = LengthBucketedBatches(lengths, {.batch_size = 32, .pool_batches = 10});
  std::vector<int64_t> all;
  for (const auto& batch : batches) {
    EXPECT_LE(batch.size(), 32u);
    all.insert(all.end(), batch.begin(), batch.end());
  }
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(1000);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
}

TEST(LengthBatchingTest, BucketingCutsPaddingAndIsSeeded) {
  std::vector<int64_t> lengths = RandomLengths(2000);
  auto bucketed = LengthBucketedBatches(lengths, {.batch_size = 32, .pool_batches = 50});
  auto random_order = LengthBucketedBatches(lengths, {.batch_size = 32, .pool_batches = 1});
  const double bucketed_share = PaddingShare(lengths, bucketed);
  const double random_share = PaddingShare(lengths, random_order);
  EXPECT_LT(bucketed_share, 0.05);
  EXPECT_GT(random_share, 0.3);
  EXPECT_EQ(bucketed, LengthBucketedBatches(lengths, {.batch_size = 32, .pool_batches = 50}));
  EXPECT_NE(bucketed, LengthBucketedBatches(lengths, {.batch_size = 32, .seed = 2}));
}

}  // namespace
}  // namespace kdbench
