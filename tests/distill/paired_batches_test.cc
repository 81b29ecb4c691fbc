#include "lib/distill/paired_batches.h"

#include <map>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(PairedBatchesTest, EqualSizesOnePassOverTransferLabeledCycled) {
  std::vector<int64_t> labeled(10, 5), transfer;
  for (int i = 0; i < 103; ++i) transfer.push_back(1 + i % 17);
  std::vector<PairedBatch> batches = PairedBatches(labeled, transfer, 8, 7);
  std::map<int64_t, int> transfer_seen, labeled_seen;
  for (const PairedBatch& batch : batches) {
    EXPECT_EQ(batch.labeled.size(), batch.transfer.size());
    EXPECT_LE(batch.transfer.size(), 8u);
    for (int64_t index : batch.transfer) ++transfer_seen[index];
    for (int64_t index : batch.labeled) ++labeled_seen[index];
  }
  // Every transfer example exactly once.
  ASSERT_EQ(transfer_seen.size(), 103u);
  for (const auto& [index, count] : transfer_seen) EXPECT_EQ(count, 1) << index;
  // 103 labeled draws over 10 examples: each 10 or 11 times.
  ASSERT_EQ(labeled_seen.size(), 10u);
  for (const auto& [index, count] : labeled_seen) {
    EXPECT_GE(count, 10);
    EXPECT_LE(count, 11);
  }
  // Deterministic in the seed, different across seeds.
  std::vector<PairedBatch> again = PairedBatches(labeled, transfer, 8, 7);
  std::vector<PairedBatch> other = PairedBatches(labeled, transfer, 8, 8);
  ASSERT_EQ(again.size(), batches.size());
  bool differs = false;
  for (size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(again[i].labeled, batches[i].labeled);
    EXPECT_EQ(again[i].transfer, batches[i].transfer);
    differs |= i < other.size() && other[i].labeled != batches[i].labeled;
  }
  EXPECT_TRUE(differs);
}

TEST(PairedBatchesTest, EmptySetGivesNoBatches) {
  EXPECT_TRUE(PairedBatches({}, {3, 4}, 8, 1).empty());
  EXPECT_TRUE(PairedBatches({3}, {}, 8, 1).empty());
}

}  // namespace
}  // namespace kdbench
