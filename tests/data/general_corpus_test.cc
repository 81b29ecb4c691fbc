#include "lib/data/general_corpus.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"

namespace kdbench {
namespace {

// Fortunes and WordNet: installed by the bootstrap, small enough to read here.
TEST(GeneralCorpusTest, HoldsEveryNonTestTextAndNoTestText) {
  const std::vector<std::string> datasets = {"fortunes", "wordnet"};
  absl::StatusOr<GeneralCorpus> general = ReadGeneralCorpus(datasets);
  ASSERT_TRUE(general.ok()) << general.status();
  std::set<std::string> test_texts;
  int64_t non_test = 0;
  for (const std::string& name : datasets) {
    auto corpus = ReadDatasetShared(name, {});
    ASSERT_TRUE(corpus.ok()) << corpus.status();
    auto split = MakeSplit(**corpus, {});
    ASSERT_TRUE(split.ok()) << split.status();
    for (int64_t index : split->test) test_texts.insert(CorpusExample(**corpus, index).text);
    non_test += CorpusSize(**corpus) - static_cast<int64_t>(split->test.size());
    EXPECT_GT(general->texts_per_dataset.at(name), 0) << name;
  }
  for (const std::string& text : general->texts) {
    ASSERT_EQ(test_texts.count(text), 0u) << "a test text in the MLM corpus: " << text;
  }
  EXPECT_EQ(static_cast<int64_t>(general->texts.size()) + general->excluded_as_test, non_test);
}

TEST(GeneralCorpusTest, UnknownDatasetIsAnError) {
  absl::StatusOr<GeneralCorpus> general = ReadGeneralCorpus({"fortunes", "no-such-set"});
  ASSERT_FALSE(general.ok());
  EXPECT_NE(general.status().message().find("no-such-set"), absl::string_view::npos)
      << general.status();
}

}  // namespace
}  // namespace kdbench
