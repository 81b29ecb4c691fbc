// What `kdbench data stats` prints: counts per split and class, lengths in
// words and WordPieces (mean and percentiles), and the padding a fixed
// maximum length wastes.
#ifndef KDBENCH_LIB_DATA_DATASET_STATS_H_
#define KDBENCH_LIB_DATA_DATASET_STATS_H_

#include <cstdint>
#include <utility>
#include <string>
#include <vector>

#include "lib/data/corpus.h"
#include "lib/data/splits.h"
#include "lib/text/bert_tokenizer.h"

namespace kdbench {

struct LengthSummary {
  int64_t count = 0;
  double mean = 0;
  int64_t p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};

// Summary of `lengths` (nearest-rank percentiles).
LengthSummary SummarizeLengths(std::vector<int64_t> lengths);

struct PaddingSummary {
  int64_t max_length = 0;
  // Share of the padded [N, max_length] id matrix that is padding, with
  // [CLS] and [SEP] counted as tokens.
  double padding_share = 0;
  // Share of examples longer than max_length (truncated).
  double truncated_share = 0;
};

PaddingSummary SummarizePadding(const std::vector<int64_t>& wordpiece_lengths,
                                int64_t max_length);

struct DatasetStats {
  std::string dataset;
  std::vector<std::string> label_names;
  // (split name, per-class counts: index = label, last = unlabeled), in
  // the order printed.
  std::vector<std::pair<std::string, std::vector<int64_t>>> class_counts;
  LengthSummary words;
  LengthSummary wordpieces;
  PaddingSummary padding;
  double seconds_tokenizing = 0;
};

// Over every example of the corpus. `split`, if given, adds the protocol's
// train/dev/test/unlabeled counts.
DatasetStats ComputeDatasetStats(const Corpus& corpus, const DataSplit* split,
                                 const BertTokenizer& tokenizer,
                                 int64_t max_length);

std::string FormatDatasetStats(const DatasetStats& stats);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_DATASET_STATS_H_
