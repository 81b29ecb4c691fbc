// BERT (Devlin et al.) as LibTorch modules whose parameter names are those
// of Hugging Face's BertForSequenceClassification / BertForMaskedLM
// ("bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.
// self.query.weight", "classifier.weight", "cls.predictions.bias", ...), so a
// checkpoint maps onto named_parameters() one to one.
#ifndef KDBENCH_LIB_MODELS_BERT_H_
#define KDBENCH_LIB_MODELS_BERT_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/cloneable.h>

#include <vector>

#include "lib/models/bert_config.h"
#include "lib/models/dropout.h"
#include "lib/models/mixed_precision.h"
#include "lib/models/transformer_internals.h"

namespace kdbench {

struct BertEncoderOutputs {
  torch::Tensor last_hidden;  // [batch, time, hidden]
  torch::Tensor pooled;       // [batch, hidden]: tanh(W h_[CLS] + b)
  // Filled only when requested: the embedding output and every layer's
  // output (layers + 1 entries); per layer the attention probabilities and
  // scores [batch, heads, time, time] and the values [batch, heads, time,
  // head size] (what feature distillation matches).
  std::vector<torch::Tensor> hidden_states;
  std::vector<torch::Tensor> attentions;
  std::vector<torch::Tensor> attention_scores;
  std::vector<torch::Tensor> values;
};

// The shape feature losses match: layers, attention heads, width.
TransformerShape ShapeOf(const BertConfig& config);

// Moves the per-layer outputs of a forward(all_layers = true) into
// TransformerInternals; `token_mask` is the attention mask the forward had.
TransformerInternals TakeInternals(BertEncoderOutputs& outputs, const torch::Tensor& token_mask);

// What one self-attention computed, kept on request.
struct AttentionInternals {
  torch::Tensor probabilities;  // [batch, heads, time, time]
  torch::Tensor scores;         // Q K^T / sqrt(head size), before the padding mask
  torch::Tensor values;         // [batch, heads, time, head size]
};

class BertEmbeddingsImpl : public torch::nn::Cloneable<BertEmbeddingsImpl> {
 public:
  explicit BertEmbeddingsImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: input_ids, token_type_ids [batch, time] int64 -> [batch, time, hidden].
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids);

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr},
      token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  Dropout dropout{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Cloneable<BertSelfAttentionImpl> {
 public:
  explicit BertSelfAttentionImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: hidden [batch, time, hidden], mask_bias [batch, 1, 1, time] ->
  // context [batch, time, hidden]; `internals` is filled when not null.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias,
                        AttentionInternals* internals);

  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr};
  Dropout dropout{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertSelfAttention);

// dense -> dropout -> LayerNorm(x + residual): HF's BertSelfOutput and BertOutput.
class BertResidualOutputImpl : public torch::nn::Cloneable<BertResidualOutputImpl> {
 public:
  BertResidualOutputImpl(const BertConfig& config, int64_t input_size)
      : config_(config), input_size_(input_size) {
    reset();
  }
  void reset() override;
  // Shape: x [batch, time, input_size], residual [batch, time, hidden] -> [batch, time, hidden].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  Dropout dropout{nullptr};

 private:
  BertConfig config_;
  int64_t input_size_;
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Cloneable<BertAttentionImpl> {
 public:
  explicit BertAttentionImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias,
                        AttentionInternals* internals);

  BertSelfAttention self{nullptr};
  BertResidualOutput output{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Cloneable<BertIntermediateImpl> {
 public:
  explicit BertIntermediateImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: [batch, time, hidden] -> [batch, time, intermediate]; erf GELU.
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear dense{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Cloneable<BertLayerImpl> {
 public:
  explicit BertLayerImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias,
                        AttentionInternals* internals);

  BertAttention attention{nullptr};
  BertIntermediate intermediate{nullptr};
  BertResidualOutput output{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertLayer);

class BertEncoderImpl : public torch::nn::Cloneable<BertEncoderImpl> {
 public:
  explicit BertEncoderImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;

  torch::nn::ModuleList layer{nullptr};  // BertLayer, num_hidden_layers of them

 private:
  BertConfig config_;
};
TORCH_MODULE(BertEncoder);

class BertPoolerImpl : public torch::nn::Cloneable<BertPoolerImpl> {
 public:
  explicit BertPoolerImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: [batch, time, hidden] -> [batch, hidden]: tanh(W h_0 + b).
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear dense{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertPooler);

class BertModelImpl : public torch::nn::Cloneable<BertModelImpl> {
 public:
  explicit BertModelImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: input_ids [batch, time] int64; attention_mask [batch, time] (1 or
  // true on real tokens); token_type_ids [batch, time] or undefined (zeros).
  BertEncoderOutputs forward(const torch::Tensor& input_ids,
                             const torch::Tensor& attention_mask,
                             const torch::Tensor& token_type_ids = {},
                             bool all_layers = false);

  // The arithmetic of forward (mixed_precision.h); float32 by default. Not
  // part of the checkpoint: whoever trains or runs the model sets it. Every
  // output is float32 whatever the precision.
  void set_precision(TrainingPrecision precision) { precision_ = precision; }
  TrainingPrecision precision() const { return precision_; }

  const BertConfig& config() const { return config_; }

  BertEmbeddings embeddings{nullptr};
  BertEncoder encoder{nullptr};
  BertPooler pooler{nullptr};

 private:
  BertEncoderOutputs Compute(const torch::Tensor& input_ids,
                             const torch::Tensor& attention_mask,
                             const torch::Tensor& token_type_ids,
                             bool all_layers);

  BertConfig config_;
  TrainingPrecision precision_ = TrainingPrecision::kFloat32;
};
TORCH_MODULE(BertModel);

// The masked-LM head, named as Hugging Face's BertOnlyMLMHead:
// cls.predictions.transform.{dense,LayerNorm} and cls.predictions.bias; the
// decoder is the word embedding matrix (tied, as in BERT).
class BertPredictionTransformImpl : public torch::nn::Cloneable<BertPredictionTransformImpl> {
 public:
  explicit BertPredictionTransformImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: [n, hidden] -> [n, hidden]: LayerNorm(gelu(dense(x))).
  torch::Tensor forward(const torch::Tensor& hidden);

  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertPredictionTransform);

class BertLmPredictionsImpl : public torch::nn::Cloneable<BertLmPredictionsImpl> {
 public:
  explicit BertLmPredictionsImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;
  // Shape: hidden [n, hidden], word_embeddings [vocab, hidden] -> [n, vocab].
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& word_embeddings);

  BertPredictionTransform transform{nullptr};
  torch::Tensor bias;

 private:
  BertConfig config_;
};
TORCH_MODULE(BertLmPredictions);

class BertMlmHeadImpl : public torch::nn::Cloneable<BertMlmHeadImpl> {
 public:
  explicit BertMlmHeadImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;

  BertLmPredictions predictions{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertMlmHead);

// A teacher: the encoder ("bert"), a classification head ("classifier",
// when the config has labels) and the MLM head ("cls") for pre-training.
class BertTeacherImpl : public torch::nn::Cloneable<BertTeacherImpl> {
 public:
  explicit BertTeacherImpl(const BertConfig& config) : config_(config) { reset(); }
  void reset() override;

  // Shape: -> logits [batch, labels] plus the encoder outputs.
  struct Outputs {
    torch::Tensor logits;
    BertEncoderOutputs encoder;
  };
  Outputs forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                  bool all_layers = false);

  // Shape: hidden [n, hidden] (selected masked positions) -> [n, vocab].
  torch::Tensor MlmLogits(const torch::Tensor& hidden);

  // The arithmetic of the encoder and the MLM head (BertModelImpl); the
  // classification head, one small product, stays float32.
  void set_precision(TrainingPrecision precision);
  TrainingPrecision precision() const { return bert->precision(); }

  const BertConfig& config() const { return config_; }
  int64_t num_labels() const { return static_cast<int64_t>(config_.labels.size()); }

  BertModel bert{nullptr};
  Dropout dropout{nullptr};
  torch::nn::Linear classifier{nullptr};  // null when the config has no labels
  BertMlmHead cls{nullptr};

 private:
  BertConfig config_;
};
TORCH_MODULE(BertTeacher);

// The parameters classification uses (encoder, pooler, classifier; not the
// MLM head) and how many of them are embedding tables, as the paper counts
// model size.
struct BertParameterCounts {
  int64_t total = 0;
  int64_t embedding = 0;
};
BertParameterCounts CountClassifierParameters(BertTeacherImpl& teacher);

// BERT's initialisation: normal(0, initializer_range) weights, zero biases,
// LayerNorm weight 1 and bias 0.
void InitializeBertWeights(torch::nn::Module& module, double initializer_range);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_BERT_H_
