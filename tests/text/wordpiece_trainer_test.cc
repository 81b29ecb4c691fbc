#include "lib/text/wordpiece_trainer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/text/bert_tokenizer.h"

namespace kdbench {
namespace {

using ::testing::ElementsAre;

TEST(WordpieceTrainerTest, LearnsFrequentWordsAndContinuations) {
  WordpieceTrainer trainer(WordpieceTrainerOptions{.vocab_size = 40, .min_frequency = 2});
  for (int i = 0; i < 20; ++i) trainer.AddText("low lower lowest newer newest wider");
  absl::StatusOr<Vocabulary> vocabulary = trainer.Train();
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  EXPECT_EQ(vocabulary->Token(0), "[PAD]");
  EXPECT_EQ(vocabulary->unk_id(), 1);
  EXPECT_EQ(vocabulary->mask_id(), 4);
  // Characters in both positions, then merges: continuations ("##st") and,
  // for these frequent words, the words themselves.
  EXPECT_TRUE(vocabulary->Find("l").has_value());
  EXPECT_TRUE(vocabulary->Find("##w").has_value());
  EXPECT_TRUE(vocabulary->Find("low").has_value());
  EXPECT_TRUE(vocabulary->Find("##st").has_value());
  EXPECT_TRUE(vocabulary->Find("lowest").has_value());
  EXPECT_TRUE(vocabulary->Find("wider").has_value());
  // The learned vocabulary drives the BERT tokenizer with no [UNK].
  BertTokenizer tokenizer(*std::move(vocabulary));
  EXPECT_THAT(tokenizer.Tokenize("Lowest"), ::testing::Not(::testing::Contains("[UNK]")));
}

TEST(WordpieceTrainerTest, DeterministicAndRespectsSizeAndFrequency) {
  auto train = [] {
    WordpieceTrainer trainer(WordpieceTrainerOptions{.vocab_size = 30, .min_frequency = 3});
    trainer.AddText("aaa bbb aaa bbb aaa ccc zq");
    trainer.AddText("abab abab abab");
    return trainer.Train();
  };
  absl::StatusOr<Vocabulary> first = train(), second = train();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->ToText(), second->ToText());
  EXPECT_LE(first->size(), 30);
  EXPECT_FALSE(first->Find("z").has_value());  // seen once < min_frequency
}

TEST(WordpieceTrainerTest, TooSmallSizeIsAnError) {
  WordpieceTrainer trainer(WordpieceTrainerOptions{.vocab_size = 5});
  trainer.AddText("hello");
  EXPECT_EQ(trainer.Train().status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kdbench
