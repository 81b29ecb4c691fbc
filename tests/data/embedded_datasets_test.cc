// The embedded datasets as installed by the bootstrap: every SpamAssassin
// email yields text, fortunes yield the manifest's categories, and the
// registry, manifests and split protocol work on them.
#include <set>

#include "gtest/gtest.h"
#include "lib/data/dataset_manifest.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"
#include "lib/data/wordnet_reader.h"

namespace kdbench {
namespace {

TEST(EmbeddedDatasetsTest, SpamAssassinEveryEmailHasText) {
  absl::StatusOr<Corpus> corpus = ReadDataset("spamassassin", {});
  ASSERT_TRUE(corpus.ok()) << corpus.status() << " (run ./kdbench bootstrap)";
  EXPECT_EQ(corpus->train.size(), 6046u);
  EXPECT_EQ(corpus->skipped, 0);
  EXPECT_TRUE(corpus->warnings.empty());
  int ham = 0, spam = 0, mime_headers = 0, html_tags = 0;
  for (const Example& example : corpus->train) {
    (example.label == 0 ? ham : spam)++;
    if (example.text.find("Content-Transfer-Encoding:") != std::string::npos) {
      ++mime_headers;
    }
    if (example.text.find("<html") != std::string::npos ||
        example.text.find("<HTML") != std::string::npos) {
      ++html_tags;
    }
  }
  // MIME plumbing and markup are decoded away; the few left are emails that
  // quote other emails or HTML in their text (17 and 8 here), while a broken
  // decoder leaves them in thousands (65 <html> before plain-labelled HTML
  // was converted).
  EXPECT_LT(mime_headers, 40);
  EXPECT_LT(html_tags, 30);
  EXPECT_EQ(ham, 4150);
  EXPECT_EQ(spam, 1896);
}

TEST(EmbeddedDatasetsTest, FortunesFollowTheManifestLabelOrder) {
  absl::StatusOr<DatasetManifest> manifest = FindDatasetManifest("fortunes");
  ASSERT_TRUE(manifest.ok());
  absl::StatusOr<Corpus> corpus = ReadDataset("fortunes", {});
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_EQ(corpus->label_names, manifest->label_names);
  EXPECT_TRUE(corpus->warnings.empty()) << corpus->warnings[0];
  // Each example's label is the category file it came from.
  for (const Example& example : corpus->train) {
    const std::string& category = corpus->label_names[example.label];
    EXPECT_NE(example.origin.find("/fortunes/" + category + ":"), std::string::npos)
        << example.origin;
  }
}

TEST(EmbeddedDatasetsTest, WordNetHasABalancedTestSplitAndDistinctGlosses) {
  absl::StatusOr<Corpus> corpus = ReadDataset("wordnet", {});
  ASSERT_TRUE(corpus.ok()) << corpus.status() << " (run ./kdbench bootstrap)";
  EXPECT_EQ(corpus->label_names,
            (std::vector<std::string>{"animal", "artifact", "food", "plant"}));
  EXPECT_TRUE(corpus->warnings.empty()) << corpus->warnings[0];
  std::vector<int> test_per_class(4), train_per_class(4);
  for (const Example& example : corpus->test) ++test_per_class[example.label];
  for (const Example& example : corpus->train) ++train_per_class[example.label];
  EXPECT_EQ(test_per_class, (std::vector<int>{1000, 1000, 1000, 1000}));
  // WordNet 3.0 as Debian ships it: the glosses of each file, less the 596
  // shared by several synsets (skipped, every copy).
  EXPECT_EQ(train_per_class, (std::vector<int>{6120, 10556, 1568, 6859}));
  EXPECT_EQ(corpus->skipped, 596);
  std::set<std::string> test_texts;
  for (const Example& example : corpus->test) test_texts.insert(example.text);
  for (const Example& example : corpus->train) {
    ASSERT_EQ(test_texts.count(example.text), 0u) << example.origin;
  }
  // "all" labels per class = test size / classes = 1,000: twice 500.
  absl::StatusOr<DataSplit> all = MakeSplit(*corpus, SplitOptions{.labels_per_class = 0});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->labels_per_class, 1000);
}

TEST(EmbeddedDatasetsTest, WordNetErrorsNameTheProblem) {
  absl::StatusOr<Corpus> bad =
      ReadWordNetNouns({.directory = "/usr/share/wordnet", .classes = {"animals"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown noun class 'animals'; known: Tops, act, animal"),
            std::string::npos)
      << bad.status();
  absl::StatusOr<Corpus> small = ReadWordNetNouns(
      {.directory = "/usr/share/wordnet", .classes = {"motive"}, .test_per_class = 1000});
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("class 'motive' has"), std::string::npos)
      << small.status();
  absl::StatusOr<Corpus> missing = ReadWordNetNouns({.directory = "/nonexistent", .classes = {"food"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("wordnet-base"), std::string::npos)
      << missing.status();
}

TEST(EmbeddedDatasetsTest, ProtocolSplitOnFortunes) {
  absl::StatusOr<Corpus> corpus = ReadDataset("fortunes", {});
  ASSERT_TRUE(corpus.ok());
  absl::StatusOr<DataSplit> split = MakeSplit(*corpus, SplitOptions{.labels_per_class = 100});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->train.size() + split->dev.size(), 400u);
  EXPECT_EQ(split->dev.size(), 40u);
  EXPECT_EQ(split->train.size() + split->dev.size() + split->test.size() +
                split->unlabeled.size(),
            corpus->train.size());
}

}  // namespace
}  // namespace kdbench
