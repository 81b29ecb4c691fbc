// Examples as model inputs: WordPiece ids with [CLS] ... [SEP], truncated to
// a maximum length, and their labels.
#ifndef KDBENCH_LIB_DATA_ENCODED_EXAMPLES_H_
#define KDBENCH_LIB_DATA_ENCODED_EXAMPLES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "lib/data/corpus.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/text/sequence_encoding.h"

namespace kdbench {

struct EncodedExamples {
  std::vector<std::vector<int32_t>> ids;
  std::vector<int32_t> labels;  // kNoLabel for unlabeled examples
  std::vector<int64_t> corpus_indices;

  int64_t size() const { return static_cast<int64_t>(ids.size()); }
  std::vector<int64_t> Lengths() const;
  // The examples at `batch` (indices into this set), padded.
  PaddedBatch Pad(const std::vector<int64_t>& batch, int32_t pad_id) const;
  // Their labels as an int64 tensor.
  at::Tensor LabelTensor(const std::vector<int64_t>& batch) const;
};

// A teacher's input: [CLS] + the text's first max_length - 2 WordPieces +
// [SEP], the text read only as far as needed.
std::vector<int32_t> EncodeForTeacher(const BertTokenizer& tokenizer, const std::string& text,
                                      int64_t max_length);

// Encodes corpus examples `indices` (canonical order, see splits.h): with
// [CLS] ... [SEP] for teachers, or the bare WordPieces for students.
EncodedExamples EncodeExamples(const Corpus& corpus, const std::vector<int64_t>& indices,
                               const BertTokenizer& tokenizer, int64_t max_length,
                               bool special_tokens = true);

// Any other input encoding (for example whitespace words): `encode` maps a
// text to ids, which are truncated to max_length. It is told max_length
// (max_ids) and may stop there.
using TextEncoder = std::function<std::vector<int32_t>(const std::string& text, size_t max_ids)>;
EncodedExamples EncodeExamplesWith(const Corpus& corpus, const std::vector<int64_t>& indices,
                                   const TextEncoder& encode, int64_t max_length);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DATA_ENCODED_EXAMPLES_H_
