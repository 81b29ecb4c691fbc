#include "lib/text/bert_tokenizer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/text/basic_tokenizer.h"

namespace kdbench {
namespace {

using ::testing::ElementsAre;

constexpr char kBertVocab[] = "datasets/vocab/bert-base-uncased-vocab.txt";

class BertTokenizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto tokenizer = BertTokenizer::FromVocabFile(kBertVocab);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status();
    uncased_ = new BertTokenizer(std::move(*tokenizer));
  }
  static void TearDownTestSuite() { delete uncased_; }
  static BertTokenizer* uncased_;
};
BertTokenizer* BertTokenizerTest::uncased_ = nullptr;

TEST_F(BertTokenizerTest, PunctuationSplitsAndIds) {
  EXPECT_THAT(uncased_->Tokenize("Hello, World!"),
              ElementsAre("hello", ",", "world", "!"));
  EXPECT_THAT(uncased_->Encode("Hello, World!"),
              ElementsAre(7592, 1010, 2088, 999));
}

TEST_F(BertTokenizerTest, AccentsAreStrippedWhenUncased) {
  EXPECT_THAT(uncased_->Tokenize("Naïve CAFÉ"), ElementsAre("naive", "cafe"));
}

TEST_F(BertTokenizerTest, WordPiecesContinueWithHashes) {
  EXPECT_THAT(uncased_->Tokenize("istanbul's"),
              ElementsAre("istanbul", "'", "s"));
  std::vector<std::string> pieces = uncased_->Tokenize("unfriendliness");
  ASSERT_GT(pieces.size(), 1u);
  for (size_t i = 1; i < pieces.size(); ++i) {
    EXPECT_EQ(pieces[i].rfind("##", 0), 0u) << pieces[i];
  }
}

TEST_F(BertTokenizerTest, CjkCharactersAreSeparateWords) {
  // Without spacing "中国" would be 中 ##国; as CJK each is its own word.
  EXPECT_THAT(uncased_->Tokenize("中国"), ElementsAre("中", "国"));
}

TEST_F(BertTokenizerTest, UnmatchedPieceMakesWholeWordUnknown) {
  EXPECT_THAT(uncased_->Tokenize("a 😀 b"), ElementsAre("a", "[UNK]", "b"));
}

TEST_F(BertTokenizerTest, LimitedEncodingIsThePrefixOfTheFullOne) {
  // Punctuation, word pieces, CJK, accents and odd spacing, so that a limit
  // falls inside a word's pieces, between punctuation marks and after a
  // CJK character.
  const std::string text =
      "Hello,, World!! unfriendliness \t 中国 Naïve CAFÉ... istanbul's  x\n"
      "antidisestablishmentarianism (yes) 123-456 end";
  const std::vector<int32_t> full = uncased_->Encode(text);
  ASSERT_GT(full.size(), 30u);
  for (size_t limit = 0; limit <= full.size() + 2; ++limit) {
    const std::vector<int32_t> expected(full.begin(),
                                        full.begin() + std::min(limit, full.size()));
    EXPECT_EQ(uncased_->Encode(text, limit), expected) << "limit " << limit;
  }
  BasicTokenizer basic;
  const std::vector<std::u32string> words = basic.TokenizeToCodePoints(text);
  for (size_t limit = 0; limit <= words.size(); ++limit) {
    EXPECT_EQ(basic.TokenizeToCodePoints(text, limit),
              std::vector<std::u32string>(words.begin(), words.begin() + limit))
        << "limit " << limit;
  }
}

TEST_F(BertTokenizerTest, WordLimitCountsCodePoints) {
  // 200 two-byte characters are 400 bytes but only 200 characters: not [UNK].
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xc3\xa9";  // é, lowered to e
  EXPECT_NE(uncased_->Tokenize(accented)[0], "[UNK]");
  EXPECT_THAT(uncased_->Tokenize(std::string(201, 'a')), ElementsAre("[UNK]"));
}

TEST_F(BertTokenizerTest, ControlCharactersRemovedAndInvalidBytesDropped) {
  EXPECT_THAT(uncased_->Tokenize("he\x01llo\xff wor\xe2\x80\x8bld"),
              ElementsAre("hello", "world"));
  EXPECT_TRUE(uncased_->Tokenize("").empty());
  EXPECT_TRUE(uncased_->Tokenize(" \t\n\x01").empty());
}

TEST(BasicTokenizerTest, CasedKeepsCaseAndAccents) {
  BasicTokenizer cased(BasicTokenizerOptions{.lower_case = false});
  EXPECT_THAT(cased.Tokenize("Héllo, WORLD"),
              ElementsAre("Héllo", ",", "WORLD"));
}

TEST(BasicTokenizerTest, LineSeparatorSplitsWords) {
  BasicTokenizer basic;
  EXPECT_THAT(basic.Tokenize("a\u2028b"), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace kdbench
