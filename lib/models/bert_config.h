// BERT's architecture hyper-parameters, read from / written to a Hugging
// Face config.json.
#ifndef KDBENCH_LIB_MODELS_BERT_CONFIG_H_
#define KDBENCH_LIB_MODELS_BERT_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

struct BertConfig {
  int64_t vocab_size = 30522;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  int64_t max_position_embeddings = 512;
  int64_t type_vocab_size = 2;
  double layer_norm_eps = 1e-12;
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  double initializer_range = 0.02;
  std::string hidden_act = "gelu";  // erf GELU; the only one supported
  // Classification labels (config's id2label, in id order); may be empty
  // for a pre-trained encoder without a head.
  std::vector<std::string> labels;
  // The first entry of "architectures": "BertForSequenceClassification" for
  // a fine-tuned classifier, "BertForMaskedLM" (or "BertForPreTraining") for
  // a pre-trained encoder whose classifier, if any, is untrained; empty when
  // the file does not say.
  std::string architecture = "BertForSequenceClassification";

  int64_t head_size() const { return hidden_size / num_attention_heads; }
};

// Parses config.json text. Missing keys keep BERT Base's values; a wrong
// type, a non-positive size, hidden_size not divisible by the heads, an
// activation other than "gelu", a position_embedding_type other than
// "absolute", or a model_type other than "bert" is an InvalidArgumentError
// naming `source` and the key.
absl::StatusOr<BertConfig> ParseBertConfig(absl::string_view json_text,
                                           absl::string_view source);
absl::StatusOr<BertConfig> ReadBertConfig(const std::string& path);

// config.json as Hugging Face writes it (model_type, architectures, id2label).
std::string BertConfigToJson(const BertConfig& config);

// Teacher sizes of the CPU profiles: "tiny" (smoke; 1 x 32), "base"
// (mini; 2 layers x 128) and "large" (mini; 4 layers x 256). An unknown
// name lists the known ones.
absl::StatusOr<BertConfig> TeacherSizeConfig(const std::string& size, int64_t vocab_size,
                                             int64_t max_length);
std::vector<std::string> KnownTeacherSizes();

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_BERT_CONFIG_H_
