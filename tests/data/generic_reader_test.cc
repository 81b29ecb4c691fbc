#include "lib/data/generic_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data/test_files.h"

namespace kdbench {
namespace {

using ::kdbench::testing::FreshDirectory;
using ::kdbench::testing::WriteFile;
using ::testing::ElementsAre;

TEST(GenericReaderTest, JsonLinesWithNamedLabelsSortedAndUnlabeled) {
  std::string dir = FreshDirectory("jsonl");
  std::string file = WriteFile(dir + "/data.jsonl",
                               "{\"text\": \"good\", \"label\": \"pos\"}\n"
                               "\n"
                               "{\"text\": \"bad\", \"label\": \"neg\"}\n"
                               "{\"text\": \"meh\", \"label\": null}\n");
  absl::StatusOr<Corpus> corpus = ReadGeneric(GenericFormat::kJsonLines, file);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_THAT(corpus->label_names, ElementsAre("neg", "pos"));
  ASSERT_EQ(corpus->train.size(), 2u);
  EXPECT_EQ(corpus->train[0].label, 1);
  EXPECT_EQ(corpus->train[0].origin, file + ":1");
  EXPECT_EQ(corpus->unlabeled.size(), 1u);
}

// Found while writing the generic_reader fuzzer: a large integer label
// asked for that many classes, and "007" crashed the label lookup.
TEST(GenericReaderTest, IntegerLabelsAreBoundedAndCanonical) {
  absl::StatusOr<Corpus> huge = ParseGeneric(
      GenericFormat::kJsonLines, "{\"text\": \"a\", \"label\": 9000000000}\n", "big.jsonl");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().message(),
            "big.jsonl:1: \"label\" must be a string or an integer from 0 to 99999");
  absl::StatusOr<Corpus> tsv = ParseGeneric(GenericFormat::kTsv, "123456\ta\n", "big.tsv");
  ASSERT_FALSE(tsv.ok());
  EXPECT_EQ(tsv.status().message(),
            "big.tsv:1: integer label 123456 is too large; class ids go from 0 to 99999");
  absl::StatusOr<Corpus> mixed = ParseGeneric(GenericFormat::kTsv, "007\ta\n1\tb\n", "n.tsv");
  ASSERT_FALSE(mixed.ok());
  EXPECT_THAT(std::string(mixed.status().message()),
              ::testing::HasSubstr("labels mix integers and names"));
  absl::StatusOr<Corpus> named = ParseGeneric(GenericFormat::kTsv, "007\ta\n+7\tb\n", "n.tsv");
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_THAT(named->label_names, ElementsAre("+7", "007"));
}

TEST(GenericReaderTest, DirectoryWithSplitsAndIntegerLabels) {
  std::string dir = FreshDirectory("tsvdir");
  WriteFile(dir + "/train.tsv", "0\tfirst\n2\tsecond\n");
  WriteFile(dir + "/test.tsv", "1\tthird\n");
  WriteFile(dir + "/unlabeled.tsv", "\tfourth\n");
  absl::StatusOr<Corpus> corpus = ReadGeneric(GenericFormat::kTsv, dir);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_THAT(corpus->label_names, ElementsAre("0", "1", "2"));
  EXPECT_EQ(corpus->train[1].label, 2);
  EXPECT_EQ(corpus->test.size(), 1u);
  EXPECT_EQ(corpus->unlabeled.size(), 1u);
}

TEST(GenericReaderTest, ErrorsNameFileAndLine) {
  std::string dir = FreshDirectory("bad_generic");
  struct Case {
    GenericFormat format;
    std::string content;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {GenericFormat::kJsonLines, "{\"text\": \"a\", \"label\": \"x\"}\n{oops\n", ":2: not a JSON object"},
           {GenericFormat::kJsonLines, "{\"label\": \"x\"}\n", ":1: no string field \"text\""},
           {GenericFormat::kJsonLines, "{\"text\": \" \", \"label\": \"x\"}\n", ":1: empty text"},
           {GenericFormat::kJsonLines, "{\"text\": \"a\", \"label\": 1.5}\n", ":1: \"label\" must be"},
           {GenericFormat::kTsv, "x\ta\nno tab here\n", ":2: expected label<TAB>text"},
           {GenericFormat::kTsv, "x\t\xff\n", ":1: invalid UTF-8"},
           {GenericFormat::kTsv, "1\ta\nx\tb\n", "labels mix integers and names"},
           {GenericFormat::kTsv, "\ta\n", "no labeled line"},
       }) {
    std::string file = WriteFile(dir + "/f.txt", c.content);
    absl::StatusOr<Corpus> corpus = ReadGeneric(c.format, file);
    ASSERT_FALSE(corpus.ok()) << c.content;
    EXPECT_NE(corpus.status().message().find(c.message), absl::string_view::npos)
        << corpus.status() << " for " << c.content;
  }
  EXPECT_EQ(ReadGeneric(GenericFormat::kTsv, dir + "/absent.tsv").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kdbench
