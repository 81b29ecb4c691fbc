#include "gtest/gtest.h"
#include "lib/data/dataset_manifest.h"
#include "lib/data/dataset_reader.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/dataset_stats.h"
#include "tests/data/test_files.h"

namespace kdbench {
namespace {

TEST(DatasetManifestTest, EveryDatasetHasAManifestWithFixedLabelOrder) {
  EXPECT_EQ(DatasetNames(),
            (std::vector<std::string>{"agnews", "dbpedia", "elec", "fortunes",
                                      "imdb", "jsonl", "spamassassin", "tsv", "wordnet"}));
  EXPECT_EQ(FindDatasetManifest("agnews")->label_names,
            (std::vector<std::string>{"World", "Sports", "Business", "Sci/Tech"}));
  EXPECT_EQ(FindDatasetManifest("imdb")->label_names,
            (std::vector<std::string>{"neg", "pos"}));
  EXPECT_EQ(FindDatasetManifest("dbpedia")->label_names.size(), 14u);
  EXPECT_EQ(FindDatasetManifest("imdb")->expected_sizes.at("unlabeled"), 50000);
}

TEST(DatasetRegistryTest, EveryManifestHasAReaderAndNoReaderLacksOne) {
  EXPECT_EQ(RegisteredDatasetReaders(), DatasetNames());
  EXPECT_TRUE(FindDatasetReader("wordnet")->traits.embedded);
  EXPECT_FALSE(FindDatasetReader("imdb")->traits.embedded);
  EXPECT_EQ(FindDatasetReader("imbd"), nullptr);
}

TEST(DatasetRegistryTest, UnknownNameListsKnownOnes) {
  auto corpus = ReadDataset("imbd", {});
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.status().message().find("unknown dataset 'imbd'; known: agnews, dbpedia"),
            absl::string_view::npos)
      << corpus.status();
}

TEST(DatasetRegistryTest, PaperDatasetWithoutPathSaysWhatToPass) {
  auto corpus = ReadDataset("imdb", {});
  ASSERT_FALSE(corpus.ok());
  EXPECT_NE(corpus.status().message().find("--path=DIR where DIR is the unpacked aclImdb"),
            absl::string_view::npos)
      << corpus.status();
}

TEST(DatasetRegistryTest, SizeDifferencesBecomeWarnings) {
  std::string dir = testing::FreshDirectory("registry_agnews");
  testing::WriteFile(dir + "/train.csv", "1,a,b\n2,c,d\n");
  testing::WriteFile(dir + "/test.csv", "3,e,f\n");
  auto corpus = ReadDataset("agnews", {.path = dir});
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->warnings.size(), 2u);
  EXPECT_EQ(corpus->warnings[0], "train: 2 examples, the manifest expects 120000");
}

TEST(DatasetStatsTest, LengthsAndPadding) {
  LengthSummary summary = SummarizeLengths({5, 1, 3, 2, 4, 100, 6, 7, 8, 9});
  EXPECT_DOUBLE_EQ(summary.mean, 14.5);
  EXPECT_EQ(summary.p50, 5);
  EXPECT_EQ(summary.p90, 9);
  EXPECT_EQ(summary.max, 100);
  // Lengths 2 and 10 (+2 specials = 4 and 12) at max length 8:
  // used 4 + 8 = 12 of 16 cells; one of two truncated.
  PaddingSummary padding = SummarizePadding({2, 10}, 8);
  EXPECT_DOUBLE_EQ(padding.padding_share, 0.25);
  EXPECT_DOUBLE_EQ(padding.truncated_share, 0.5);
}

TEST(DatasetStatsTest, CountsPerSplitAndClass) {
  Corpus corpus;
  corpus.dataset = "t";
  corpus.label_names = {"a", "b"};
  for (int i = 0; i < 40; ++i) corpus.train.push_back({"word " + std::to_string(i), i % 2, ""});
  corpus.unlabeled.push_back({"x y z", kNoLabel, ""});
  auto vocabulary = Vocabulary::FromTokens({"[UNK]", "word", "x", "y", "z"}, "test");
  BertTokenizer tokenizer(*std::move(vocabulary));
  auto split = MakeSplit(corpus, {.labels_per_class = 10});
  ASSERT_TRUE(split.ok());
  DatasetStats stats = ComputeDatasetStats(corpus, &*split, tokenizer, 8);
  EXPECT_EQ(stats.class_counts[0].first, "given train");
  EXPECT_EQ(stats.class_counts[0].second, (std::vector<int64_t>{20, 20, 0}));
  EXPECT_EQ(stats.words.max, 3);
  std::string text = FormatDatasetStats(stats);
  EXPECT_NE(text.find("protocol dev"), std::string::npos) << text;
}

}  // namespace
}  // namespace kdbench
