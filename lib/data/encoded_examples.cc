#include "lib/data/encoded_examples.h"

#include <torch/torch.h>

#include "lib/data/splits.h"
#include "lib/text/sequence_encoding.h"

namespace kdbench {

std::vector<int64_t> EncodedExamples::Lengths() const {
  std::vector<int64_t> lengths;
  lengths.reserve(ids.size());
  for (const auto& sequence : ids) lengths.push_back(static_cast<int64_t>(sequence.size()));
  return lengths;
}

PaddedBatch EncodedExamples::Pad(const std::vector<int64_t>& batch, int32_t pad_id) const {
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(batch.size());
  for (int64_t index : batch) sequences.push_back(ids[index]);
  return PadBatch(sequences, pad_id);
}

at::Tensor EncodedExamples::LabelTensor(const std::vector<int64_t>& batch) const {
  std::vector<int64_t> values;
  values.reserve(batch.size());
  for (int64_t index : batch) values.push_back(labels[index]);
  return torch::tensor(values, torch::kLong);
}

EncodedExamples EncodeExamplesWith(const Corpus& corpus, const std::vector<int64_t>& indices,
                                   const TextEncoder& encode, int64_t max_length) {
  EncodedExamples encoded;
  for (int64_t index : indices) {
    const Example& example = CorpusExample(corpus, index);
    encoded.ids.push_back(Truncated(encode(example.text, static_cast<size_t>(max_length)), max_length));
    encoded.labels.push_back(example.label);
    encoded.corpus_indices.push_back(index);
  }
  return encoded;
}

std::vector<int32_t> EncodeForTeacher(const BertTokenizer& tokenizer, const std::string& text,
                                      int64_t max_length) {
  const Vocabulary& vocabulary = tokenizer.vocabulary();
  return WithSpecialTokens(tokenizer.Encode(text, max_length > 2 ? max_length - 2 : 0),
                           vocabulary.cls_id(), vocabulary.sep_id(), max_length);
}

EncodedExamples EncodeExamples(const Corpus& corpus, const std::vector<int64_t>& indices,
                               const BertTokenizer& tokenizer, int64_t max_length,
                               bool special_tokens) {
  if (!special_tokens) {
    return EncodeExamplesWith(
        corpus, indices,
        [&](const std::string& text, size_t max_ids) { return tokenizer.Encode(text, max_ids); },
        max_length);
  }
  return EncodeExamplesWith(
      corpus, indices,
      [&](const std::string& text, size_t /*max_ids*/) {
        return EncodeForTeacher(tokenizer, text, max_length);
      },
      max_length);
}

}  // namespace kdbench
