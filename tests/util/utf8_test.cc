#include "lib/util/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

TEST(Utf8Test, DecodesAllLengths) {
  EXPECT_EQ(DecodeUtf8Lenient("a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"),
            std::u32string(U"a\u00e9\u4e2d\U0001F600"));
}

TEST(Utf8Test, DropsMalformedBytesLikePythonIgnore) {
  size_t dropped = 0;
  // stray continuation, overlong NUL, surrogate, truncated 3-byte, > U+10FFFF
  std::u32string text = DecodeUtf8Lenient(
      "a\x80"
      "b\xc0\x80"
      "c\xed\xa0\x80"
      "d\xe2\x82"
      "e\xf4\x90\x80\x80"
      "f",
      &dropped);
  EXPECT_EQ(text, std::u32string(U"abcdef"));
  EXPECT_EQ(dropped, 1u + 2u + 3u + 2u + 4u);
}

TEST(Utf8Test, TruncatedSequenceDoesNotSwallowNextCharacter) {
  EXPECT_EQ(DecodeUtf8Lenient("\xc3\xc3\xa9"), std::u32string(U"\u00e9"));
  EXPECT_EQ(DecodeUtf8Lenient("\xf0\x9f\x98" "A"), std::u32string(U"A"));
}

TEST(Utf8Test, ValidityCheck) {
  EXPECT_TRUE(IsValidUtf8("plain \xe2\x82\xac"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));
}

TEST(Utf8Test, EncodeRoundTrips) {
  std::u32string text = U"x\u00e9\u4e2d\U0001F600\U0010FFFF";
  EXPECT_EQ(DecodeUtf8Lenient(EncodeUtf8(text)), text);
}

}  // namespace
}  // namespace kdbench
