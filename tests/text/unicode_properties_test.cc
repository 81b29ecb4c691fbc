#include "lib/text/unicode_properties.h"

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(UnicodePropertiesTest, Control) {
  EXPECT_TRUE(IsBertControl(U'\x01'));
  EXPECT_TRUE(IsBertControl(U'\x7f'));
  EXPECT_TRUE(IsBertControl(U'\u200d'));  // ZWJ, Cf
  EXPECT_TRUE(IsBertControl(U'\u00ad'));  // soft hyphen, Cf
  EXPECT_FALSE(IsBertControl(U'\t'));
  EXPECT_FALSE(IsBertControl(U'\n'));
  EXPECT_FALSE(IsBertControl(U'a'));
}

TEST(UnicodePropertiesTest, Whitespace) {
  EXPECT_TRUE(IsBertWhitespace(U' '));
  EXPECT_TRUE(IsBertWhitespace(U'\u00a0'));  // Zs
  EXPECT_TRUE(IsBertWhitespace(U'\u3000'));
  EXPECT_FALSE(IsBertWhitespace(U'\u2028'));  // Zl: not BERT whitespace...
  EXPECT_TRUE(IsPythonSpace(U'\u2028'));      // ...but split() cuts there
  EXPECT_TRUE(IsPythonSpace(U'\u2029'));
  EXPECT_FALSE(IsPythonSpace(U'\u200b'));  // zero width space is Cf
}

TEST(UnicodePropertiesTest, Punctuation) {
  EXPECT_TRUE(IsBertPunctuation(U'$'));  // ASCII symbol counts
  EXPECT_TRUE(IsBertPunctuation(U'^'));
  EXPECT_TRUE(IsBertPunctuation(U'\u00bf'));  // ¿ Po
  EXPECT_TRUE(IsBertPunctuation(U'\u2014'));  // em dash Pd
  EXPECT_FALSE(IsBertPunctuation(U'\u20ac'));  // € is Sc, not P
  EXPECT_FALSE(IsBertPunctuation(U'a'));
}

TEST(UnicodePropertiesTest, CjkRanges) {
  EXPECT_TRUE(IsCjkIdeograph(U'\u4e2d'));
  EXPECT_TRUE(IsCjkIdeograph(U'\U00020000'));
  EXPECT_FALSE(IsCjkIdeograph(U'\u3042'));  // hiragana
  EXPECT_FALSE(IsCjkIdeograph(U'\uac00'));  // hangul
}

TEST(UnicodePropertiesTest, LowerAndNfd) {
  EXPECT_EQ(ToLowerFull(U"\u0130"), std::u32string(U"i\u0307"));  // İ
  EXPECT_EQ(ToLowerFull(U"\u039f\u0394\u039f\u03a3"),
            std::u32string(U"\u03bf\u03b4\u03bf\u03c2"));  // final sigma
  EXPECT_EQ(ToNfd(U"\u00e9"), std::u32string(U"e\u0301"));
  EXPECT_TRUE(IsNonspacingMark(U'\u0301'));
  EXPECT_FALSE(IsNonspacingMark(U'e'));
}

}  // namespace
}  // namespace kdbench
