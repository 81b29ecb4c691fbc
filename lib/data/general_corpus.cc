#include "lib/data/general_corpus.h"

#include <memory>
#include <unordered_set>

#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"
#include "lib/util/status_macros.h"

namespace kdbench {

absl::StatusOr<GeneralCorpus> ReadGeneralCorpus(const std::vector<std::string>& datasets) {
  std::vector<std::shared_ptr<const Corpus>> corpora;
  std::vector<DataSplit> splits;
  std::unordered_set<std::string> test_texts;
  for (const std::string& name : datasets) {
    ASSIGN_OR_RETURN(std::shared_ptr<const Corpus> corpus, ReadDatasetShared(name, {}));
    ASSIGN_OR_RETURN(DataSplit split, MakeSplit(*corpus, {}));
    for (int64_t index : split.test) test_texts.insert(CorpusExample(*corpus, index).text);
    corpora.push_back(std::move(corpus));
    splits.push_back(std::move(split));
  }
  GeneralCorpus general;
  for (size_t d = 0; d < datasets.size(); ++d) {
    const Corpus& corpus = *corpora[d];
    const std::unordered_set<int64_t> test(splits[d].test.begin(), splits[d].test.end());
    int64_t& count = general.texts_per_dataset[datasets[d]];
    for (int64_t index = 0; index < CorpusSize(corpus); ++index) {
      if (test.count(index) > 0) continue;
      const std::string& text = CorpusExample(corpus, index).text;
      if (test_texts.count(text) > 0) {
        ++general.excluded_as_test;
        continue;
      }
      general.texts.push_back(text);
      ++count;
    }
  }
  return general;
}

}  // namespace kdbench
