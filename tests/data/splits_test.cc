#include "lib/data/splits.h"

#include <algorithm>
#include <set>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// `per_class` labeled examples of each of `classes` classes in train, an
// optional test split, and some unlabeled data.
Corpus MakeCorpus(int classes, int per_class, int test_per_class, int unlabeled) {
  Corpus corpus;
  corpus.dataset = "synthetic";
  for (int c = 0; c < classes; ++c) corpus.label_names.push_back("c" + std::to_string(c));
  for (int c = 0; c < classes; ++c) {
    for (int i = 0; i < per_class; ++i) {
      corpus.train.push_back({"train " + std::to_string(c) + " " + std::to_string(i), c, ""});
    }
    for (int i = 0; i < test_per_class; ++i) {
      corpus.test.push_back({"test " + std::to_string(c) + " " + std::to_string(i), c, ""});
    }
  }
  for (int i = 0; i < unlabeled; ++i) {
    corpus.unlabeled.push_back({"unlabeled " + std::to_string(i), kNoLabel, ""});
  }
  return corpus;
}

std::vector<int64_t> PerClass(const Corpus& corpus, const std::vector<int64_t>& indices) {
  std::vector<int64_t> counts(corpus.label_names.size(), 0);
  for (int64_t index : indices) ++counts[CorpusExample(corpus, index).label];
  return counts;
}

TEST(SplitsTest, AllLabelsIsEqualPerClassAndSizedLikeTest) {
  Corpus corpus = MakeCorpus(/*classes=*/4, /*per_class=*/300, /*test_per_class=*/50, 70);
  absl::StatusOr<DataSplit> split = MakeSplit(corpus, {});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->labels_per_class, 50);  // 200 test / 4 classes
  EXPECT_EQ(split->test.size(), 200u);
  EXPECT_FALSE(split->test_is_held_out);
  EXPECT_EQ(PerClass(corpus, split->dev), std::vector<int64_t>(4, 5));
  EXPECT_EQ(PerClass(corpus, split->train), std::vector<int64_t>(4, 45));
  // Every remaining labeled example joins the transfer set, plus the given
  // unlabeled data.
  EXPECT_EQ(split->unlabeled.size(), 4u * 250u + 70u);
}

TEST(SplitsTest, PartitionIsDisjointAndComplete) {
  Corpus corpus = MakeCorpus(3, 120, 20, 10);
  absl::StatusOr<DataSplit> split = MakeSplit(corpus, {.labels_per_class = 30});
  ASSERT_TRUE(split.ok());
  std::set<int64_t> seen;
  for (const auto* part : {&split->train, &split->dev, &split->test, &split->unlabeled}) {
    for (int64_t index : *part) EXPECT_TRUE(seen.insert(index).second) << index;
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), CorpusSize(corpus));
}

TEST(SplitsTest, DeterministicPerSeedAndDifferentAcrossSeeds) {
  Corpus corpus = MakeCorpus(2, 200, 30, 0);
  auto a = MakeSplit(corpus, {.labels_per_class = 20, .seed = 7});
  auto b = MakeSplit(corpus, {.labels_per_class = 20, .seed = 7});
  auto c = MakeSplit(corpus, {.labels_per_class = 20, .seed = 8});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->train, b->train);
  EXPECT_EQ(a->split_hash, b->split_hash);
  EXPECT_NE(a->train, c->train);
  EXPECT_NE(a->split_hash, c->split_hash);
  EXPECT_EQ(a->test, c->test);
}

TEST(SplitsTest, HeldOutTestIsFixedAcrossSeedsAndBudgets) {
  Corpus corpus = MakeCorpus(2, 500, /*test_per_class=*/0, 0);
  auto a = MakeSplit(corpus, {.labels_per_class = 100, .seed = 1});
  auto b = MakeSplit(corpus, {.labels_per_class = 0, .seed = 2});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->test_is_held_out);
  EXPECT_EQ(a->test, b->test);
  EXPECT_EQ(PerClass(corpus, a->test), std::vector<int64_t>(2, 100));  // 20%
  // Nothing of the held-out test is ever trained on.
  for (const auto* part : {&b->train, &b->dev, &b->unlabeled}) {
    for (int64_t index : *part) {
      EXPECT_FALSE(std::binary_search(b->test.begin(), b->test.end(), index));
    }
  }
}

TEST(SplitsTest, CorpusHashFollowsContent) {
  Corpus corpus = MakeCorpus(2, 10, 5, 0);
  const std::string before = CorpusHash(corpus);
  corpus.train[3].text += "!";
  EXPECT_NE(CorpusHash(corpus), before);
  corpus.train[3].text.pop_back();
  EXPECT_EQ(CorpusHash(corpus), before);
  corpus.train[3].label = 1 - corpus.train[3].label;
  EXPECT_NE(CorpusHash(corpus), before);
}

TEST(SplitsTest, TooLargeBudgetNamesTheClass) {
  Corpus corpus = MakeCorpus(2, 60, 10, 0);
  corpus.train.resize(90);  // class c1 keeps 30
  auto split = MakeSplit(corpus, {.labels_per_class = 50});
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find("class 'c1' has only 30"), absl::string_view::npos)
      << split.status();
}

TEST(SplitsTest, AClassSeenOnlyInTestIsNamed) {
  Corpus corpus = MakeCorpus(3, 20, 10, 0);
  // Class c2 keeps its test examples only.
  corpus.train.erase(std::remove_if(corpus.train.begin(), corpus.train.end(),
                                    [](const Example& e) { return e.label == 2; }),
                     corpus.train.end());
  auto split = MakeSplit(corpus, {.labels_per_class = 0});
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find(
                "class 'c2' has 0 labeled training example(s) (after the test split); it appears "
                "only in the test data"),
            absl::string_view::npos)
      << split.status();
}

TEST(SplitsTest, HeldOutDevIsOutsideTheBudgetAndSharedByBudgets) {
  Corpus corpus = MakeCorpus(3, 200, 20, 10);
  auto small = MakeSplit(corpus, {.labels_per_class = 30, .dev_per_class = 25, .seed = 4});
  auto large = MakeSplit(corpus, {.labels_per_class = 100, .dev_per_class = 25, .seed = 4});
  auto other_seed = MakeSplit(corpus, {.labels_per_class = 30, .dev_per_class = 25, .seed = 5});
  ASSERT_TRUE(small.ok() && large.ok() && other_seed.ok()) << small.status();
  // The budget counts training examples; the dev split is beside it.
  EXPECT_EQ(PerClass(corpus, small->train), std::vector<int64_t>(3, 30));
  EXPECT_EQ(PerClass(corpus, small->dev), std::vector<int64_t>(3, 25));
  EXPECT_EQ(small->dev, large->dev);
  EXPECT_NE(small->dev, other_seed->dev);
  std::set<int64_t> seen;
  for (const auto* part : {&small->train, &small->dev, &small->test, &small->unlabeled}) {
    for (int64_t index : *part) EXPECT_TRUE(seen.insert(index).second) << index;
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), CorpusSize(corpus));
  // The fraction-of-budget split keeps its hash; the held-out one differs.
  auto fraction = MakeSplit(corpus, {.labels_per_class = 30, .seed = 4});
  ASSERT_TRUE(fraction.ok());
  EXPECT_NE(fraction->split_hash, small->split_hash);
  EXPECT_EQ(PerClass(corpus, fraction->dev), std::vector<int64_t>(3, 3));
}

TEST(SplitsTest, HeldOutDevTooLargeNamesTheClass) {
  Corpus corpus = MakeCorpus(2, 40, 10, 0);
  auto split = MakeSplit(corpus, {.labels_per_class = 10, .dev_per_class = 40});
  ASSERT_FALSE(split.ok());
  EXPECT_NE(split.status().message().find("class 'c0'"), absl::string_view::npos)
      << split.status();
  auto budget = MakeSplit(corpus, {.labels_per_class = 35, .dev_per_class = 10});
  ASSERT_FALSE(budget.ok());
  EXPECT_NE(budget.status().message().find("after the test and dev splits"),
            absl::string_view::npos)
      << budget.status();
}

TEST(SplitsTest, JsonCarriesIndicesAndHashes) {
  Corpus corpus = MakeCorpus(2, 40, 10, 3);
  auto split = MakeSplit(corpus, {.labels_per_class = 10});
  ASSERT_TRUE(split.ok());
  nlohmann::json json = nlohmann::json::parse(DataSplitToJson(*split));
  EXPECT_EQ(json["split_hash"], split->split_hash);
  EXPECT_EQ(json["train"].get<std::vector<int64_t>>(), split->train);
  EXPECT_EQ(json["sizes"]["unlabeled"], split->unlabeled.size());
}

}  // namespace
}  // namespace kdbench
