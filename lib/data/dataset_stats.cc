#include "lib/data/dataset_stats.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace kdbench {
namespace {

int64_t CountWords(const std::string& text) {
  int64_t words = 0;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\n\r\f\v"), absl::SkipEmpty())) {
    (void)word;
    ++words;
  }
  return words;
}

int64_t NearestRank(const std::vector<int64_t>& sorted, double percentile) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

std::vector<int64_t> CountByClass(const Corpus& corpus,
                                  const std::vector<int64_t>& indices) {
  std::vector<int64_t> counts(corpus.label_names.size() + 1, 0);
  for (int64_t index : indices) {
    const int32_t label = CorpusExample(corpus, index).label;
    ++counts[label >= 0 ? static_cast<size_t>(label) : counts.size() - 1];
  }
  return counts;
}

std::vector<int64_t> CountByClass(const Corpus& corpus,
                                  const std::vector<Example>& examples) {
  std::vector<int64_t> counts(corpus.label_names.size() + 1, 0);
  for (const Example& example : examples) {
    ++counts[example.label >= 0 ? static_cast<size_t>(example.label)
                                : counts.size() - 1];
  }
  return counts;
}

}  // namespace

LengthSummary SummarizeLengths(std::vector<int64_t> lengths) {
  LengthSummary summary;
  summary.count = static_cast<int64_t>(lengths.size());
  if (lengths.empty()) return summary;
  std::sort(lengths.begin(), lengths.end());
  double total = 0;
  for (int64_t length : lengths) total += static_cast<double>(length);
  summary.mean = total / static_cast<double>(lengths.size());
  summary.p50 = NearestRank(lengths, 50);
  summary.p90 = NearestRank(lengths, 90);
  summary.p95 = NearestRank(lengths, 95);
  summary.p99 = NearestRank(lengths, 99);
  summary.max = lengths.back();
  return summary;
}

PaddingSummary SummarizePadding(const std::vector<int64_t>& wordpiece_lengths,
                                int64_t max_length) {
  PaddingSummary summary;
  summary.max_length = max_length;
  if (wordpiece_lengths.empty() || max_length <= 0) return summary;
  double used = 0;
  int64_t truncated = 0;
  for (int64_t length : wordpiece_lengths) {
    const int64_t with_specials = length + 2;  // [CLS] ... [SEP]
    used += static_cast<double>(std::min(with_specials, max_length));
    if (with_specials > max_length) ++truncated;
  }
  const double cells =
      static_cast<double>(wordpiece_lengths.size()) * static_cast<double>(max_length);
  summary.padding_share = 1.0 - used / cells;
  summary.truncated_share = static_cast<double>(truncated) /
                            static_cast<double>(wordpiece_lengths.size());
  return summary;
}

DatasetStats ComputeDatasetStats(const Corpus& corpus, const DataSplit* split,
                                 const BertTokenizer& tokenizer,
                                 int64_t max_length) {
  DatasetStats stats;
  stats.dataset = corpus.dataset;
  stats.label_names = corpus.label_names;
  stats.class_counts.emplace_back("given train", CountByClass(corpus, corpus.train));
  if (!corpus.test.empty()) stats.class_counts.emplace_back("given test", CountByClass(corpus, corpus.test));
  if (!corpus.unlabeled.empty()) {
    stats.class_counts.emplace_back("given unlabeled", CountByClass(corpus, corpus.unlabeled));
  }
  if (split != nullptr) {
    stats.class_counts.emplace_back("protocol train", CountByClass(corpus, split->train));
    stats.class_counts.emplace_back("protocol dev", CountByClass(corpus, split->dev));
    stats.class_counts.emplace_back("protocol test", CountByClass(corpus, split->test));
    stats.class_counts.emplace_back("protocol unlabeled", CountByClass(corpus, split->unlabeled));
  }
  std::vector<int64_t> words, pieces;
  const int64_t total = CorpusSize(corpus);
  words.reserve(static_cast<size_t>(total));
  pieces.reserve(static_cast<size_t>(total));
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < total; ++i) {
    const Example& example = CorpusExample(corpus, i);
    words.push_back(CountWords(example.text));
    pieces.push_back(static_cast<int64_t>(tokenizer.Encode(example.text).size()));
  }
  stats.seconds_tokenizing =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.padding = SummarizePadding(pieces, max_length);
  stats.words = SummarizeLengths(std::move(words));
  stats.wordpieces = SummarizeLengths(std::move(pieces));
  return stats;
}

std::string FormatDatasetStats(const DatasetStats& stats) {
  std::string out = absl::StrCat("dataset: ", stats.dataset, "\n\n");
  // Counts table: one row per split, one column per class, then unlabeled.
  absl::StrAppendFormat(&out, "%-20s", "split");
  for (const std::string& name : stats.label_names) {
    absl::StrAppendFormat(&out, " %12s", name.substr(0, 12));
  }
  absl::StrAppendFormat(&out, " %12s %10s\n", "(unlabeled)", "total");
  for (const auto& [split, counts] : stats.class_counts) {
    int64_t total = 0;
    absl::StrAppendFormat(&out, "%-20s", split);
    for (int64_t count : counts) {
      absl::StrAppendFormat(&out, " %12d", count);
      total += count;
    }
    absl::StrAppendFormat(&out, " %10d\n", total);
  }
  auto length_row = [&out](absl::string_view unit, const LengthSummary& s) {
    absl::StrAppendFormat(&out,
                          "%-11s mean %8.1f  p50 %6d  p90 %6d  p95 %6d  p99 %6d  max %7d\n",
                          unit, s.mean, s.p50, s.p90, s.p95, s.p99, s.max);
  };
  absl::StrAppend(&out, "\nlengths over all ", stats.words.count, " examples:\n");
  length_row("words", stats.words);
  length_row("wordpieces", stats.wordpieces);
  absl::StrAppendFormat(
      &out,
      "\npadding at max length %d ([CLS]+[SEP] included): %.1f%% of the id "
      "matrix is padding; %.1f%% of examples are truncated\n",
      stats.padding.max_length, 100.0 * stats.padding.padding_share,
      100.0 * stats.padding.truncated_share);
  return out;
}

}  // namespace kdbench
