#include "lib/text/vocabulary.h"

#include <string>

#include "gtest/gtest.h"
#include "lib/util/atomic_file.h"
#include "lib/util/content_hash.h"

namespace kdbench {
namespace {

constexpr char kBertVocab[] = "datasets/vocab/bert-base-uncased-vocab.txt";

TEST(VocabularyTest, GenuineBertVocabularyIsIntact) {
  absl::StatusOr<std::string> sha = Sha256OfFile(kBertVocab);
  ASSERT_TRUE(sha.ok()) << sha.status();
  EXPECT_EQ(*sha,
            "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3");
}

TEST(VocabularyTest, LoadsBertIds) {
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::FromFile(kBertVocab);
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  EXPECT_EQ(vocabulary->size(), 30522);
  EXPECT_EQ(vocabulary->pad_id(), 0);
  EXPECT_EQ(vocabulary->unk_id(), 100);
  EXPECT_EQ(vocabulary->cls_id(), 101);
  EXPECT_EQ(vocabulary->sep_id(), 102);
  EXPECT_EQ(vocabulary->mask_id(), 103);
  EXPECT_EQ(vocabulary->Find("the"), 1996);
  EXPECT_EQ(vocabulary->Token(1996), "the");
  EXPECT_FALSE(vocabulary->Find("definitely-not-a-token").has_value());
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

TEST(VocabularyTest, DuplicateNamesBothLines) {
  std::string path = WriteTemp("dup.txt", "[UNK]\na\nb\na\n");
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::FromFile(path);
  ASSERT_FALSE(vocabulary.ok());
  EXPECT_NE(vocabulary.status().message().find("dup.txt:4: duplicate token 'a' "
                                               "(first on line 2)"),
            absl::string_view::npos)
      << vocabulary.status();
}

TEST(VocabularyTest, InvalidUtf8NamesLine) {
  std::string path = WriteTemp("bad.txt", "[UNK]\nok\n\xff\xfe\n");
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::FromFile(path);
  ASSERT_FALSE(vocabulary.ok());
  EXPECT_NE(vocabulary.status().message().find("bad.txt:3: invalid UTF-8"),
            absl::string_view::npos)
      << vocabulary.status();
}

TEST(VocabularyTest, MissingUnkAndEmptyAndMissingFile) {
  EXPECT_FALSE(Vocabulary::FromFile(WriteTemp("nounk.txt", "a\nb\n")).ok());
  EXPECT_FALSE(Vocabulary::FromFile(WriteTemp("empty.txt", "")).ok());
  absl::StatusOr<Vocabulary> missing = Vocabulary::FromFile("/no/such/vocab.txt");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(VocabularyTest, CrlfAndNoFinalNewlineAndRoundTrip) {
  absl::StatusOr<Vocabulary> vocabulary =
      Vocabulary::FromFile(WriteTemp("crlf.txt", "[PAD]\r\n[UNK]\r\nx"));
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  EXPECT_EQ(vocabulary->size(), 3);
  EXPECT_EQ(vocabulary->Find("x"), 2);
  EXPECT_EQ(vocabulary->ToText(), "[PAD]\n[UNK]\nx\n");
}

}  // namespace
}  // namespace kdbench
