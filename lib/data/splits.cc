#include "lib/data/splits.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "lib/util/content_hash.h"
#include "lib/util/stable_random.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// Per class, the canonical indices of `examples` starting at `offset`.
std::vector<std::vector<int64_t>> ByClass(const std::vector<Example>& examples,
                                          int64_t offset, size_t num_classes) {
  std::vector<std::vector<int64_t>> by_class(num_classes);
  for (size_t i = 0; i < examples.size(); ++i) {
    const int32_t label = examples[i].label;
    if (label >= 0 && static_cast<size_t>(label) < num_classes) {
      by_class[label].push_back(offset + static_cast<int64_t>(i));
    }
  }
  return by_class;
}

std::string HashIndices(const std::vector<int64_t>& indices) {
  std::string bytes;
  bytes.reserve(indices.size() * 8);
  for (int64_t index : indices) {
    for (int b = 0; b < 8; ++b) bytes.push_back(static_cast<char>(index >> (8 * b)));
  }
  return Sha256Hex(bytes);
}

}  // namespace

std::string CorpusHash(const Corpus& corpus) {
  ContentHasher hasher("corpus/v1");
  hasher.Add("dataset", corpus.dataset);
  for (const std::string& name : corpus.label_names) hasher.Add("label_name", name);
  auto add = [&hasher](absl::string_view split, const std::vector<Example>& examples) {
    hasher.Add("split", split).Add("count", static_cast<int64_t>(examples.size()));
    for (const Example& example : examples) {
      hasher.Add("label", static_cast<int64_t>(example.label)).Add("text", example.text);
    }
  };
  add("train", corpus.train);
  add("test", corpus.test);
  add("unlabeled", corpus.unlabeled);
  return hasher.HexDigest();
}

int64_t CorpusSize(const Corpus& corpus) {
  return static_cast<int64_t>(corpus.train.size() + corpus.test.size() +
                              corpus.unlabeled.size());
}

const Example& CorpusExample(const Corpus& corpus, int64_t index) {
  const auto train = static_cast<int64_t>(corpus.train.size());
  const auto test = static_cast<int64_t>(corpus.test.size());
  if (index < train) return corpus.train[index];
  if (index < train + test) return corpus.test[index - train];
  return corpus.unlabeled[index - train - test];
}

absl::StatusOr<DataSplit> MakeSplit(const Corpus& corpus,
                                    const SplitOptions& options) {
  if (!(options.dev_fraction > 0 && options.dev_fraction < 1) ||
      !(options.held_out_test_fraction > 0 && options.held_out_test_fraction < 1)) {
    return absl::InvalidArgumentError(
        "dev_fraction and held_out_test_fraction must lie in (0, 1)");
  }
  if (options.labels_per_class < 0) {
    return absl::InvalidArgumentError("labels_per_class must be >= 0 (0 = all)");
  }
  const size_t num_classes = corpus.label_names.size();
  DataSplit split;
  split.corpus_hash = CorpusHash(corpus);
  split.test_is_held_out = corpus.test.empty();

  const auto train_size = static_cast<int64_t>(corpus.train.size());
  std::vector<std::vector<int64_t>> pool = ByClass(corpus.train, 0, num_classes);
  if (split.test_is_held_out) {
    // Fixed by the corpus alone: every seed and budget sees the same test.
    StableRandom random = StableRandom::FromKey(split.corpus_hash + "/held-out-test");
    for (std::vector<int64_t>& members : pool) {
      random.Shuffle(&members);
      const auto take = static_cast<size_t>(std::llround(
          options.held_out_test_fraction * static_cast<double>(members.size())));
      split.test.insert(split.test.end(), members.begin(), members.begin() + take);
      members.erase(members.begin(), members.begin() + take);
    }
  } else {
    for (size_t i = 0; i < corpus.test.size(); ++i) {
      split.test.push_back(train_size + static_cast<int64_t>(i));
    }
  }
  if (split.test.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(corpus.dataset, ": no labeled examples to split"));
  }

  if (options.dev_per_class < 0) {
    return absl::InvalidArgumentError("dev_per_class must be >= 0 (0 = dev_fraction of the budget)");
  }
  // A held-out dev split first: drawn by the seed alone, so every budget of
  // a seed selects on the same examples.
  if (options.dev_per_class > 0) {
    StableRandom random =
        StableRandom::FromKey(absl::StrCat(split.corpus_hash, "/dev/seed/", options.seed));
    for (size_t c = 0; c < num_classes; ++c) {
      std::vector<int64_t>& members = pool[c];
      if (static_cast<int64_t>(members.size()) <= options.dev_per_class + 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            corpus.dataset, ": a dev split of ", options.dev_per_class,
            " per class leaves class '", corpus.label_names[c], "' (", members.size(),
            " labeled training examples after the test split) too few to train on"));
      }
      random.Shuffle(&members);
      split.dev.insert(split.dev.end(), members.begin(), members.begin() + options.dev_per_class);
      members.erase(members.begin(), members.begin() + options.dev_per_class);
      // The budget's draw below starts from the canonical order again.
      std::sort(members.begin(), members.end());
    }
  }

  size_t smallest = SIZE_MAX;
  std::string smallest_name;
  for (size_t c = 0; c < num_classes; ++c) {
    if (pool[c].size() < smallest) {
      smallest = pool[c].size();
      smallest_name = corpus.label_names[c];
    }
  }
  const char* after = options.dev_per_class > 0 ? " (after the test and dev splits)"
                                                 : " (after the test split)";
  // A class the training data lacks (seen only in test, say) is named.
  if (smallest < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        corpus.dataset, ": class '", smallest_name, "' has ", smallest,
        " labeled training example(s)", after,
        smallest == 0 ? "; it appears only in the test data" : "", "; need at least 2"));
  }
  int64_t per_class = options.labels_per_class;
  if (per_class == 0) {
    per_class = std::min<int64_t>(
        static_cast<int64_t>(split.test.size() / num_classes),
        static_cast<int64_t>(smallest));
  } else if (per_class > static_cast<int64_t>(smallest)) {
    return absl::InvalidArgumentError(absl::StrCat(
        corpus.dataset, ": ", per_class, " labels per class requested but class '",
        smallest_name, "' has only ", smallest, " labeled training examples", after));
  }
  if (per_class < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        corpus.dataset, ": too few labeled examples per class (", per_class,
        ") for a train/dev split"));
  }
  split.labels_per_class = per_class;

  StableRandom random = StableRandom::FromKey(absl::StrCat(
      split.corpus_hash, "/labels/", per_class, "/seed/", options.seed));
  const int64_t dev_per_class =
      options.dev_per_class > 0
          ? 0
          : std::max<int64_t>(1, std::llround(options.dev_fraction *
                                              static_cast<double>(per_class)));
  for (std::vector<int64_t>& members : pool) {
    random.Shuffle(&members);
    split.dev.insert(split.dev.end(), members.begin(), members.begin() + dev_per_class);
    split.train.insert(split.train.end(), members.begin() + dev_per_class,
                       members.begin() + per_class);
    split.unlabeled.insert(split.unlabeled.end(), members.begin() + per_class,
                           members.end());
  }
  // Training examples with no usable label (none for well-formed corpora)
  // and the corpus' own unlabeled data join the transfer set.
  for (int64_t i = 0; i < train_size; ++i) {
    const int32_t label = corpus.train[i].label;
    if (label < 0 || static_cast<size_t>(label) >= num_classes) {
      split.unlabeled.push_back(i);
    }
  }
  const int64_t unlabeled_offset =
      train_size + static_cast<int64_t>(corpus.test.size());
  for (size_t i = 0; i < corpus.unlabeled.size(); ++i) {
    split.unlabeled.push_back(unlabeled_offset + static_cast<int64_t>(i));
  }
  for (std::vector<int64_t>* indices :
       {&split.train, &split.dev, &split.test, &split.unlabeled}) {
    std::sort(indices->begin(), indices->end());
  }

  ContentHasher hasher("split/v1");
  hasher.Add("corpus", split.corpus_hash)
      .Add("labels_per_class", per_class)
      .Add("dev_fraction", options.dev_fraction)
      .Add("held_out_test_fraction", options.held_out_test_fraction);
  // Only when set: the splits made before it keep their hashes.
  if (options.dev_per_class > 0) hasher.Add("dev_per_class", options.dev_per_class);
  hasher.Add("seed", static_cast<int64_t>(options.seed))
      .Add("train", HashIndices(split.train))
      .Add("dev", HashIndices(split.dev))
      .Add("test", HashIndices(split.test))
      .Add("unlabeled", HashIndices(split.unlabeled));
  split.split_hash = hasher.HexDigest();
  return split;
}

std::string DataSplitToJson(const DataSplit& split) {
  nlohmann::json json = {
      {"corpus_hash", split.corpus_hash},
      {"split_hash", split.split_hash},
      {"labels_per_class", split.labels_per_class},
      {"test_is_held_out", split.test_is_held_out},
      {"sizes",
       {{"train", split.train.size()},
        {"dev", split.dev.size()},
        {"test", split.test.size()},
        {"unlabeled", split.unlabeled.size()}}},
      {"train", split.train},
      {"dev", split.dev},
      {"test", split.test},
      {"unlabeled", split.unlabeled},
  };
  return json.dump();
}

}  // namespace kdbench
