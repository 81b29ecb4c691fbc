// The `kdbench tokenize` stream: JSON lines with a "text" field in, JSON
// lines with "tokens" and "ids" out, one output line per non-blank input line.
#ifndef KDBENCH_LIB_TEXT_JSONL_TOKENIZE_H_
#define KDBENCH_LIB_TEXT_JSONL_TOKENIZE_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/text/bert_tokenizer.h"

namespace kdbench {

struct TokenizeStreamStats {
  int64_t lines = 0;       // objects tokenized
  int64_t text_bytes = 0;  // bytes of "text" fields
};

class JsonLinesTokenizer {
 public:
  // `tokenizer` must outlive this object.
  explicit JsonLinesTokenizer(const BertTokenizer* tokenizer);

  // Blank lines are skipped. A line that is not a JSON object with a string
  // "text" field stops the stream with an InvalidArgumentError naming
  // `source_name` and the line number; lines before it are already written.
  absl::StatusOr<TokenizeStreamStats> Run(std::istream& in, std::ostream& out,
                                          absl::string_view source_name) const;

 private:
  const BertTokenizer* tokenizer_;
  // Every vocabulary entry as a quoted JSON string, escaped once: writing
  // output is then concatenation (building JSON values per line halved the
  // throughput).
  std::vector<std::string> quoted_tokens_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_JSONL_TOKENIZE_H_
