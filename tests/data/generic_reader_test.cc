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
