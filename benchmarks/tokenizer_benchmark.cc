// Tokenizer throughput on real English text (Debian's fortunes), one thread:
// the BERT WordPiece tokenizer alone and the `kdbench tokenize` JSON-lines
// path end to end. Target: 5 MB/s of text or more on one core.
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/jsonl_tokenize.h"
#include "lib/util/atomic_file.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

constexpr char kVocab[] = "datasets/vocab/bert-base-uncased-vocab.txt";
constexpr char kFortunes[] = "/usr/share/games/fortunes";

// The fortunes' text files (not the .dat indexes), about 1 MB in all.
std::vector<std::string> FortuneTexts() {
  std::vector<std::string> texts;
  for (const char* name : {"computers", "science", "literature", "politics",
                           "law", "medicine", "food", "education"}) {
    absl::StatusOr<std::string> text =
        ReadFileToString(std::string(kFortunes) + "/" + name);
    if (text.ok()) texts.push_back(*std::move(text));
  }
  return texts;
}

const BertTokenizer* Tokenizer() {
  static const BertTokenizer* tokenizer = [] {
    auto loaded = BertTokenizer::FromVocabFile(kVocab);
    return loaded.ok() ? new BertTokenizer(*std::move(loaded)) : nullptr;
  }();
  return tokenizer;
}

void BM_BertTokenizerEncode(benchmark::State& state) {
  const BertTokenizer* tokenizer = Tokenizer();
  std::vector<std::string> texts = FortuneTexts();
  if (tokenizer == nullptr || texts.empty()) {
    state.SkipWithError("vocabulary or fortunes missing (run ./kdbench bootstrap; "
                        "run from the repository root or with bazel run)");
    return;
  }
  int64_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const std::string& text : texts) {
      std::vector<int32_t> ids = tokenizer->Encode(text);
      benchmark::DoNotOptimize(ids.data());
      bytes += static_cast<int64_t>(text.size());
      tokens += static_cast<int64_t>(ids.size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BertTokenizerEncode)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_TokenizeJsonLines(benchmark::State& state) {
  const BertTokenizer* tokenizer = Tokenizer();
  std::vector<std::string> texts = FortuneTexts();
  if (tokenizer == nullptr || texts.empty()) {
    state.SkipWithError("vocabulary or fortunes missing");
    return;
  }
  // One JSON line per fortune, as a user would feed `kdbench tokenize`.
  std::string input;
  int64_t text_bytes = 0;
  for (const std::string& text : texts) {
    std::istringstream entries(text);
    std::string entry, line;
    while (std::getline(entries, line)) {
      if (line == "%") {
        input += nlohmann::json{{"text", entry}}.dump() + "\n";
        text_bytes += static_cast<int64_t>(entry.size());
        entry.clear();
      } else {
        entry += line + "\n";
      }
    }
  }
  JsonLinesTokenizer jsonl(tokenizer);
  for (auto _ : state) {
    std::istringstream in(input);
    std::ostringstream out;
    auto stats = jsonl.Run(in, out, "benchmark");
    if (!stats.ok()) state.SkipWithError("tokenize failed");
    benchmark::DoNotOptimize(out.str().data());
  }
  state.SetBytesProcessed(state.iterations() * text_bytes);
}
BENCHMARK(BM_TokenizeJsonLines)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kdbench
