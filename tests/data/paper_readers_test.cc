// The readers of the paper's datasets on small fixtures in their exact
// layouts: AG News / DBpedia CSV, IMDB directory, Elec text + label files.
#include <string>

#include "gtest/gtest.h"
#include "lib/data/elec_reader.h"
#include "lib/data/imdb_reader.h"
#include "lib/data/zhang_csv_reader.h"
#include "tests/data/test_files.h"

namespace kdbench {
namespace {

using ::kdbench::testing::FreshDirectory;
using ::kdbench::testing::WriteFile;

const std::vector<std::string> kAgNews = {"World", "Sports", "Business", "Sci/Tech"};

TEST(ZhangCsvReaderTest, ReadsOneBasedClassesTitleAndDescription) {
  std::string dir = FreshDirectory("agnews");
  WriteFile(dir + "/classes.txt", "World\nSports\nBusiness\nSci/Tech\n");
  WriteFile(dir + "/train.csv",
            "\"3\",\"Wall St. Bears\",\"Short-sellers, \"\"Wall Street\"\"'s dwindling band\"\n"
            "\"2\",\"Match\",\"A goal\nin extra time\"\n");
  WriteFile(dir + "/test.csv", "\"4\",\"Chips\",\"Faster chips\"\n");
  absl::StatusOr<Corpus> corpus = ReadZhangCsv("agnews", dir, kAgNews);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->train.size(), 2u);
  EXPECT_EQ(corpus->train[0].label, 2);  // "3" = Business, 0-based 2
  EXPECT_EQ(corpus->train[0].text,
            "Wall St. Bears\nShort-sellers, \"Wall Street\"'s dwindling band");
  EXPECT_EQ(corpus->train[1].label, 1);
  EXPECT_EQ(corpus->train[1].origin, dir + "/train.csv:2");
  ASSERT_EQ(corpus->test.size(), 1u);
  EXPECT_EQ(corpus->test[0].label, 3);
}

TEST(ZhangCsvReaderTest, LabelOrderMismatchIsAnError) {
  std::string dir = FreshDirectory("agnews_order");
  WriteFile(dir + "/classes.txt", "Sports\nWorld\nBusiness\nSci/Tech\n");
  WriteFile(dir + "/train.csv", "1,a,b\n");
  WriteFile(dir + "/test.csv", "1,a,b\n");
  absl::StatusOr<Corpus> corpus = ReadZhangCsv("agnews", dir, kAgNews);
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.status().message().find("differ from the manifest's label order"),
            absl::string_view::npos);
}

TEST(ZhangCsvReaderTest, BadRowsNameFileAndLine) {
  std::string dir = FreshDirectory("agnews_bad");
  WriteFile(dir + "/test.csv", "1,a,b\n");
  WriteFile(dir + "/train.csv", "1,a,b\n5,a,b\n");
  auto out_of_range = ReadZhangCsv("agnews", dir, kAgNews);
  EXPECT_NE(out_of_range.status().message().find("train.csv:2: class '5' is not an integer in 1..4"),
            absl::string_view::npos)
      << out_of_range.status();
  WriteFile(dir + "/train.csv", "1,only-two\n");
  auto short_row = ReadZhangCsv("agnews", dir, kAgNews);
  EXPECT_NE(short_row.status().message().find("train.csv:1: expected 3 fields"),
            absl::string_view::npos);
  WriteFile(dir + "/train.csv", "1,a,\xff\xfe\n");
  auto bad_utf8 = ReadZhangCsv("agnews", dir, kAgNews);
  EXPECT_NE(bad_utf8.status().message().find("train.csv:1: invalid UTF-8"),
            absl::string_view::npos);
  std::string empty = FreshDirectory("agnews_missing");
  auto missing = ReadZhangCsv("agnews", empty, kAgNews);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("train.csv"), absl::string_view::npos);
}

TEST(ImdbReaderTest, ReadsSplitsLabelsAndUnsup) {
  std::string dir = FreshDirectory("aclImdb");
  WriteFile(dir + "/train/neg/0_3.txt", "Dull.<br /><br />Very dull.");
  WriteFile(dir + "/train/pos/1_9.txt", "Great film.");
  WriteFile(dir + "/train/pos/0_10.txt", "Loved it.");
  WriteFile(dir + "/test/neg/0_2.txt", "Bad.");
  WriteFile(dir + "/test/pos/0_8.txt", "Good.");
  WriteFile(dir + "/test/pos/9_7.txt", "  \n");
  WriteFile(dir + "/train/unsup/0_0.txt", "No label here.");
  absl::StatusOr<Corpus> corpus = ReadImdb(dir);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->train.size(), 3u);
  EXPECT_EQ(corpus->train[0].text, "Dull.\n\nVery dull.");
  EXPECT_EQ(corpus->train[0].label, 0);
  EXPECT_EQ(corpus->train[1].text, "Loved it.");  // sorted: 0_10 < 1_9
  EXPECT_EQ(corpus->train[1].label, 1);
  EXPECT_EQ(corpus->test.size(), 2u);
  EXPECT_EQ(corpus->skipped, 1);  // the blank review
  ASSERT_EQ(corpus->unlabeled.size(), 1u);
  EXPECT_EQ(corpus->unlabeled[0].label, kNoLabel);
}

TEST(ImdbReaderTest, MissingDirectoryIsNamed) {
  absl::StatusOr<Corpus> corpus = ReadImdb(FreshDirectory("notimdb"));
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.status().message().find("notimdb/train/neg"), absl::string_view::npos);
}

TEST(ElecReaderTest, ReadsTextAndLabelFilesAndUnlabeled) {
  std::string dir = FreshDirectory("elec");
  WriteFile(dir + "/elec-25k-train.txt", "works great\nbroke in a day\n");
  WriteFile(dir + "/elec-25k-train.cat", "2\n1\n");
  WriteFile(dir + "/elec-test.txt", "fine\n");
  WriteFile(dir + "/elec-test.cat", "2\n");
  WriteFile(dir + "/elec-25k-unlab00.txt", "some review\n\nanother\n");
  absl::StatusOr<Corpus> corpus = ReadElec(dir);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->train.size(), 2u);
  EXPECT_EQ(corpus->train[0].label, 1);  // "2" = positive
  EXPECT_EQ(corpus->train[1].label, 0);
  EXPECT_EQ(corpus->test.size(), 1u);
  EXPECT_EQ(corpus->unlabeled.size(), 2u);
  EXPECT_EQ(corpus->skipped, 1);
}

TEST(ElecReaderTest, MismatchedFilesAndBadLabelsAreNamed) {
  std::string dir = FreshDirectory("elec_bad");
  WriteFile(dir + "/elec-25k-train.txt", "a\nb\n");
  WriteFile(dir + "/elec-25k-train.cat", "2\n");
  WriteFile(dir + "/elec-test.txt", "a\n");
  WriteFile(dir + "/elec-test.cat", "2\n");
  auto mismatch = ReadElec(dir);
  EXPECT_NE(mismatch.status().message().find("has 2 lines but"), absl::string_view::npos)
      << mismatch.status();
  WriteFile(dir + "/elec-25k-train.cat", "2\n3\n");
  auto bad = ReadElec(dir);
  EXPECT_NE(bad.status().message().find("elec-25k-train.cat:2: label '3' is not 1 or 2"),
            absl::string_view::npos)
      << bad.status();
}

}  // namespace
}  // namespace kdbench
