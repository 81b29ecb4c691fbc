#include "lib/text/sequence_encoding.h"

#include <torch/torch.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kdbench {
namespace {

using ::testing::ElementsAre;

TEST(SequenceEncodingTest, SpecialTokensAndTruncation) {
  EXPECT_THAT(WithSpecialTokens({7, 8, 9}, 101, 102, 10), ElementsAre(101, 7, 8, 9, 102));
  EXPECT_THAT(WithSpecialTokens({7, 8, 9}, 101, 102, 4), ElementsAre(101, 7, 8, 102));
  EXPECT_THAT(WithSpecialTokens({}, 101, 102, 2), ElementsAre(101, 102));
  EXPECT_THAT(Truncated({1, 2, 3}, 2), ElementsAre(1, 2));
}

TEST(SequenceEncodingTest, PadsToLongestWithMaskAndLengths) {
  PaddedBatch batch = PadBatch({{5, 6, 7}, {8}, {}}, /*pad_id=*/0);
  ASSERT_EQ(batch.ids.sizes(), (std::vector<int64_t>{3, 3}));
  EXPECT_TRUE(batch.ids.equal(torch::tensor({5, 6, 7, 8, 0, 0, 0, 0, 0}, torch::kInt64).view({3, 3})));
  EXPECT_TRUE(batch.lengths.equal(torch::tensor({3, 1, 0}, torch::kInt64)));
  EXPECT_EQ(batch.mask.sum().item<int64_t>(), 4);
  EXPECT_FALSE(batch.mask[1][1].item<bool>());
  EXPECT_EQ(batch.mask.scalar_type(), torch::kBool);
}

}  // namespace
}  // namespace kdbench
