// What a dataset reader returns: examples of the dataset's own splits, with
// label ids in the manifest's order and the origin of every example.
#ifndef KDBENCH_LIB_DATA_CORPUS_H_
#define KDBENCH_LIB_DATA_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace kdbench {

inline constexpr int32_t kNoLabel = -1;

struct Example {
  std::string text;
  int32_t label = kNoLabel;  // index into Corpus::label_names
  std::string origin;        // "file" or "file:line", for errors and audits
};

struct Corpus {
  std::string dataset;
  std::vector<std::string> label_names;
  // The dataset's own splits as distributed. `test` is empty for datasets
  // that have none (a held-out split is then carved, see splits.h).
  std::vector<Example> train;
  std::vector<Example> test;
  std::vector<Example> unlabeled;
  // Examples dropped under a reader's documented skip policy, with the first
  // few reasons (file and line).
  int64_t skipped = 0;
  std::vector<std::string> skip_reasons;

  // Differences from the manifest (e.g. split sizes) worth a user's look.
  std::vector<std::string> warnings;

  void Skip(std::string reason) {
    ++skipped;
    if (skip_reasons.size() < 10) skip_reasons.push_back(std::move(reason));
  }
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_CORPUS_H_
