#include "lib/text/whitespace_tokenizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kdbench {
namespace {

using ::testing::ElementsAre;

TEST(WhitespaceTokenizerTest, LowerCasesAndKeepsPunctuationAttached) {
  EXPECT_THAT(WhitespaceTokenize("The MOVIE was\tgreat!\n Ünïcode"),
              ElementsAre("the", "movie", "was", "great!", "ünïcode"));
  EXPECT_THAT(WhitespaceTokenize("a\u00a0b\u2028c"), ElementsAre("a", "b", "c"));
  EXPECT_TRUE(WhitespaceTokenize("  \t ").empty());
}

TEST(WhitespaceTokenizerTest, VocabularyByFrequencyWithUnknowns) {
  WordVocabularyBuilder builder;
  builder.AddText("b b b a a c");
  builder.AddText("a");
  absl::StatusOr<Vocabulary> vocabulary =
      builder.Build(WordVocabularyOptions{.min_count = 2, .max_size = 10});
  ASSERT_TRUE(vocabulary.ok());
  EXPECT_EQ(vocabulary->pad_id(), 0);
  EXPECT_EQ(vocabulary->unk_id(), 1);
  EXPECT_EQ(vocabulary->Token(2), "a");  // 3 each: ties by text
  EXPECT_EQ(vocabulary->Token(3), "b");
  EXPECT_FALSE(vocabulary->Find("c").has_value());  // below min_count
  EXPECT_THAT(EncodeWords(*vocabulary, "B c a"), ElementsAre(3, 1, 2));
  absl::StatusOr<Vocabulary> capped =
      builder.Build(WordVocabularyOptions{.min_count = 1, .max_size = 3});
  EXPECT_EQ(capped->size(), 3);
}

}  // namespace
}  // namespace kdbench
