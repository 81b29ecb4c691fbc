#include "lib/text/wordpiece_trainer.h"

#include <algorithm>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "lib/text/basic_tokenizer.h"
#include "lib/util/utf8.h"

namespace kdbench {
namespace {

using Pair = std::pair<int32_t, int32_t>;

struct Word {
  std::vector<int32_t> symbols;
  int64_t count;
};

// Symbol strings and their ids.
class Symbols {
 public:
  int32_t Intern(const std::string& text) {
    auto [it, inserted] = ids_.try_emplace(text, static_cast<int32_t>(texts_.size()));
    if (inserted) texts_.push_back(text);
    return it->second;
  }
  const std::string& Text(int32_t id) const { return texts_[id]; }
  // The merged symbol: a's text followed by b's without its "##".
  std::string Merged(int32_t a, int32_t b) const {
    absl::string_view second = texts_[b];
    if (second.substr(0, 2) == "##") second.remove_prefix(2);
    return absl::StrCat(texts_[a], second);
  }

 private:
  absl::flat_hash_map<std::string, int32_t> ids_;
  std::vector<std::string> texts_;
};

struct Candidate {
  int64_t count;
  std::string merged;  // tie-break: smaller text first
  Pair pair;
  bool operator<(const Candidate& other) const {
    if (count != other.count) return count < other.count;
    return merged > other.merged;
  }
};

}  // namespace

void WordpieceTrainer::AddText(absl::string_view text) {
  BasicTokenizer basic(BasicTokenizerOptions{.lower_case = options_.lower_case});
  for (std::u32string& word : basic.TokenizeToCodePoints(text)) {
    if (static_cast<int>(word.size()) > options_.max_word_chars) continue;
    ++word_counts_[EncodeUtf8(word)];
  }
}

absl::StatusOr<Vocabulary> WordpieceTrainer::Train() const {
  const std::vector<std::string> specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]",
                                             "[MASK]"};
  if (options_.vocab_size <= static_cast<int>(specials.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vocab_size=", options_.vocab_size, " leaves no room beyond the ",
        specials.size(), " special tokens"));
  }
  // Words in sorted order so that ids, and thus everything, are reproducible.
  std::vector<std::pair<std::string, int64_t>> sorted(word_counts_.begin(),
                                                      word_counts_.end());
  std::sort(sorted.begin(), sorted.end());

  Symbols symbols;
  absl::flat_hash_map<int32_t, int64_t> symbol_counts;
  std::vector<Word> words;
  for (const auto& [text, count] : sorted) {
    Word word{{}, count};
    std::u32string code_points = DecodeUtf8Lenient(text);
    for (size_t i = 0; i < code_points.size(); ++i) {
      std::string piece = i == 0 ? "" : "##";
      AppendUtf8(code_points[i], &piece);
      const int32_t id = symbols.Intern(piece);
      word.symbols.push_back(id);
      symbol_counts[id] += count;
    }
    words.push_back(std::move(word));
  }

  // The alphabet: characters frequent enough, most frequent first.
  std::vector<std::pair<int64_t, std::string>> alphabet;
  absl::flat_hash_set<int32_t> kept_characters;
  for (const auto& [id, count] : symbol_counts) {
    if (count >= options_.min_frequency) {
      alphabet.push_back({-count, symbols.Text(id)});
      kept_characters.insert(id);
    }
  }
  std::sort(alphabet.begin(), alphabet.end());
  std::vector<std::string> vocabulary = specials;
  for (const auto& [negative_count, text] : alphabet) {
    if (static_cast<int>(vocabulary.size()) >= options_.vocab_size) break;
    vocabulary.push_back(text);
  }

  // Pair statistics over words made only of kept characters.
  absl::flat_hash_map<Pair, int64_t> pair_counts;
  absl::flat_hash_map<Pair, absl::flat_hash_set<int32_t>> pair_words;
  for (size_t w = 0; w < words.size(); ++w) {
    const Word& word = words[w];
    bool usable = true;
    for (int32_t symbol : word.symbols) usable &= kept_characters.contains(symbol);
    if (!usable) continue;
    for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
      Pair pair{word.symbols[i], word.symbols[i + 1]};
      pair_counts[pair] += word.count;
      pair_words[pair].insert(static_cast<int32_t>(w));
    }
  }
  std::priority_queue<Candidate> queue;
  for (const auto& [pair, count] : pair_counts) {
    queue.push({count, symbols.Merged(pair.first, pair.second), pair});
  }

  absl::flat_hash_set<std::string> in_vocabulary(vocabulary.begin(), vocabulary.end());
  while (static_cast<int>(vocabulary.size()) < options_.vocab_size && !queue.empty()) {
    Candidate best = queue.top();
    queue.pop();
    auto current = pair_counts.find(best.pair);
    if (current == pair_counts.end() || current->second != best.count) continue;  // stale
    if (best.count < options_.min_frequency) break;
    const int32_t merged = symbols.Intern(best.merged);
    if (in_vocabulary.insert(best.merged).second) vocabulary.push_back(best.merged);

    absl::flat_hash_map<Pair, int64_t> changed;  // pairs whose count moved
    const absl::flat_hash_set<int32_t> affected = pair_words[best.pair];
    for (int32_t w : affected) {
      Word& word = words[w];
      std::vector<int32_t>& s = word.symbols;
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        Pair pair{s[i], s[i + 1]};
        pair_counts[pair] -= word.count;
        changed[pair] -= word.count;
      }
      std::vector<int32_t> next;
      next.reserve(s.size());
      for (size_t i = 0; i < s.size(); ++i) {
        if (i + 1 < s.size() && s[i] == best.pair.first && s[i + 1] == best.pair.second) {
          next.push_back(merged);
          ++i;
        } else {
          next.push_back(s[i]);
        }
      }
      s = std::move(next);
      for (size_t i = 0; i + 1 < s.size(); ++i) {
        Pair pair{s[i], s[i + 1]};
        pair_counts[pair] += word.count;
        changed[pair] += word.count;
        pair_words[pair].insert(w);
      }
    }
    pair_counts.erase(best.pair);
    pair_words.erase(best.pair);
    for (const auto& [pair, delta] : changed) {
      if (delta == 0) continue;
      auto it = pair_counts.find(pair);
      if (it == pair_counts.end()) continue;
      if (it->second <= 0) {
        pair_counts.erase(it);
        continue;
      }
      queue.push({it->second, symbols.Merged(pair.first, pair.second), pair});
    }
  }
  return Vocabulary::FromTokens(std::move(vocabulary), "learned WordPiece vocabulary");
}

}  // namespace kdbench
