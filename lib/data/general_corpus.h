// The general pre-training corpus: real English text from several datasets
// (the embedded and Debian ones: e-mail, fortunes, dictionary glosses), with
// every test text left out, so that a teacher pre-trained on it once can be
// fine-tuned on any of them without having seen a test example.
#ifndef KDBENCH_LIB_DATA_GENERAL_CORPUS_H_
#define KDBENCH_LIB_DATA_GENERAL_CORPUS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kdbench {

struct GeneralCorpus {
  std::vector<std::string> texts;  // in dataset order, then canonical order
  std::map<std::string, int64_t> texts_per_dataset;
  // Non-test texts left out because some dataset's test split holds the
  // same text (duplicates across or within datasets).
  int64_t excluded_as_test = 0;
};

// Each dataset's test split is the one MakeSplit gives every seed and
// budget (the dataset's own, or its fixed held-out share). Errors: an
// unknown or unreadable dataset (the reader's message).
absl::StatusOr<GeneralCorpus> ReadGeneralCorpus(const std::vector<std::string>& datasets);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_GENERAL_CORPUS_H_
