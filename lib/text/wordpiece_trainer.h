// Learns a WordPiece vocabulary from text, for the `mini` profile (whose
// in-domain teachers have no BERT vocabulary of their own).
//
// Words come from the BasicTokenizer (so the vocabulary fits the tokenizer
// that will use it); each word starts as characters, non-initial ones with
// the "##" prefix; then the most frequent adjacent pair is merged until the
// vocabulary has `vocab_size` entries (byte-pair encoding, as the WordPiece
// trainer of Hugging Face's tokenizers does). The result is an ordinary
// vocab.txt: [PAD] [UNK] [CLS] [SEP] [MASK], the characters, then the merges
// in order. Deterministic: ties break by the pair's text.
//
// Written here rather than taken from Debian's libsentencepiece: its header
// declares `namespace absl { using std::string_view; }`, which collides with
// the system abseil this suite uses, and its pieces use "▁" word starts.
#ifndef KDBENCH_LIB_TEXT_WORDPIECE_TRAINER_H_
#define KDBENCH_LIB_TEXT_WORDPIECE_TRAINER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/text/vocabulary.h"

namespace kdbench {

struct WordpieceTrainerOptions {
  int vocab_size = 8000;
  // Characters and merges seen fewer times are left out ([UNK]).
  int64_t min_frequency = 2;
  bool lower_case = true;
  // Longer words are not learned from (they tokenize to [UNK] anyway).
  int max_word_chars = 100;
};

class WordpieceTrainer {
 public:
  explicit WordpieceTrainer(WordpieceTrainerOptions options = {})
      : options_(options) {}

  // Counts the words of one text.
  void AddText(absl::string_view text);

  // Learns the vocabulary from everything added. InvalidArgumentError if
  // `vocab_size` is too small for the special tokens.
  absl::StatusOr<Vocabulary> Train() const;

 private:
  WordpieceTrainerOptions options_;
  absl::flat_hash_map<std::string, int64_t> word_counts_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_WORDPIECE_TRAINER_H_
