#include "lib/models/bert.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "absl/strings/match.h"

namespace kdbench {
namespace {

torch::nn::LayerNorm MakeLayerNorm(const BertConfig& config) {
  return torch::nn::LayerNorm(
      torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

}  // namespace

void BertEmbeddingsImpl::reset() {
  word_embeddings = register_module(
      "word_embeddings",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(config_.vocab_size, config_.hidden_size).padding_idx(0)));
  position_embeddings = register_module(
      "position_embeddings",
      torch::nn::Embedding(config_.max_position_embeddings, config_.hidden_size));
  token_type_embeddings = register_module(
      "token_type_embeddings", torch::nn::Embedding(config_.type_vocab_size, config_.hidden_size));
  LayerNorm = register_module("LayerNorm", MakeLayerNorm(config_));
  dropout = register_module("dropout", Dropout(config_.hidden_dropout_prob));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& input_ids,
                                          const torch::Tensor& token_type_ids) {
  const int64_t time = input_ids.size(1);
  TORCH_CHECK(time <= config_.max_position_embeddings, "sequence of ", time,
              " tokens exceeds max_position_embeddings=", config_.max_position_embeddings);
  torch::Tensor positions =
      torch::arange(time, torch::TensorOptions().dtype(torch::kLong).device(input_ids.device()))
          .unsqueeze(0);
  torch::Tensor embedded = word_embeddings(input_ids) + position_embeddings(positions) +
                           token_type_embeddings(token_type_ids);
  return dropout(LayerNorm(embedded));
}

void BertSelfAttentionImpl::reset() {
  const int64_t hidden = config_.hidden_size;
  query = register_module("query", torch::nn::Linear(hidden, hidden));
  key = register_module("key", torch::nn::Linear(hidden, hidden));
  value = register_module("value", torch::nn::Linear(hidden, hidden));
  dropout = register_module("dropout", Dropout(config_.attention_probs_dropout_prob));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& hidden,
                                             const torch::Tensor& mask_bias,
                                             AttentionInternals* internals) {
  const int64_t batch = hidden.size(0), time = hidden.size(1);
  const int64_t heads = config_.num_attention_heads, size = config_.head_size();
  auto split_heads = [&](const torch::Tensor& x) {
    return x.view({batch, time, heads, size}).transpose(1, 2);  // [b, h, t, d]
  };
  torch::Tensor q = split_heads(query(hidden));
  torch::Tensor k = split_heads(key(hidden));
  torch::Tensor v = split_heads(value(hidden));
  torch::Tensor scores =
      torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(size));
  torch::Tensor probs = torch::softmax(scores + mask_bias, -1);
  if (internals != nullptr) *internals = {.probabilities = probs, .scores = scores, .values = v};
  torch::Tensor context = torch::matmul(dropout(probs), v);  // [b, h, t, d]
  return context.transpose(1, 2).reshape({batch, time, heads * size});
}

void BertResidualOutputImpl::reset() {
  dense = register_module("dense", torch::nn::Linear(input_size_, config_.hidden_size));
  LayerNorm = register_module("LayerNorm", MakeLayerNorm(config_));
  dropout = register_module("dropout", Dropout(config_.hidden_dropout_prob));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x,
                                              const torch::Tensor& residual) {
  return LayerNorm(dropout(dense(x)) + residual);
}

void BertAttentionImpl::reset() {
  self = register_module("self", BertSelfAttention(config_));
  output = register_module("output", BertResidualOutput(config_, config_.hidden_size));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& hidden,
                                         const torch::Tensor& mask_bias,
                                         AttentionInternals* internals) {
  return output(self(hidden, mask_bias, internals), hidden);
}

void BertIntermediateImpl::reset() {
  dense = register_module("dense",
                          torch::nn::Linear(config_.hidden_size, config_.intermediate_size));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& hidden) {
  return torch::gelu(dense(hidden));  // erf form, as BERT's "gelu"
}

void BertLayerImpl::reset() {
  attention = register_module("attention", BertAttention(config_));
  intermediate = register_module("intermediate", BertIntermediate(config_));
  output = register_module("output", BertResidualOutput(config_, config_.intermediate_size));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias,
                                     AttentionInternals* internals) {
  torch::Tensor attended = attention(hidden, mask_bias, internals);
  return output(intermediate(attended), attended);
}

void BertEncoderImpl::reset() {
  layer = register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < config_.num_hidden_layers; ++i) layer->push_back(BertLayer(config_));
}

void BertPoolerImpl::reset() {
  dense = register_module("dense", torch::nn::Linear(config_.hidden_size, config_.hidden_size));
}

torch::Tensor BertPoolerImpl::forward(const torch::Tensor& hidden) {
  return torch::tanh(dense(hidden.select(1, 0)));
}

void BertModelImpl::reset() {
  embeddings = register_module("embeddings", BertEmbeddings(config_));
  encoder = register_module("encoder", BertEncoder(config_));
  pooler = register_module("pooler", BertPooler(config_));
}

BertEncoderOutputs BertModelImpl::forward(const torch::Tensor& input_ids,
                                          const torch::Tensor& attention_mask,
                                          const torch::Tensor& token_type_ids,
                                          bool all_layers) {
  BertEncoderOutputs outputs =
      Compute(input_ids, attention_mask, token_type_ids, all_layers);
  if (precision_ != TrainingPrecision::kFloat32) {
    // Consumers (losses, the teacher-output cache, feature matching) get
    // float32 whatever the arithmetic inside.
    auto to_float = [](torch::Tensor& tensor) {
      if (tensor.defined()) tensor = tensor.to(torch::kFloat32);
    };
    to_float(outputs.last_hidden);
    to_float(outputs.pooled);
    for (auto* list : {&outputs.hidden_states, &outputs.attentions,
                       &outputs.attention_scores, &outputs.values}) {
      for (torch::Tensor& tensor : *list) to_float(tensor);
    }
  }
  return outputs;
}

BertEncoderOutputs BertModelImpl::Compute(const torch::Tensor& input_ids,
                                          const torch::Tensor& attention_mask,
                                          const torch::Tensor& token_type_ids,
                                          bool all_layers) {
  AutocastScope autocast(input_ids.device().type(), precision_);
  torch::Tensor types =
      token_type_ids.defined() ? token_type_ids : torch::zeros_like(input_ids);
  // Additive mask: 0 on real tokens, the most negative float on padding.
  torch::Tensor keep = attention_mask.to(torch::kFloat32).unsqueeze(1).unsqueeze(2);
  torch::Tensor mask_bias = (1.0 - keep) * std::numeric_limits<float>::lowest();

  BertEncoderOutputs outputs;
  torch::Tensor hidden = embeddings(input_ids, types);
  if (all_layers) outputs.hidden_states.push_back(hidden);
  for (const auto& module : *encoder->layer) {
    AttentionInternals internals;
    hidden = module->as<BertLayer>()->forward(hidden, mask_bias,
                                              all_layers ? &internals : nullptr);
    if (all_layers) {
      outputs.hidden_states.push_back(hidden);
      outputs.attentions.push_back(internals.probabilities);
      outputs.attention_scores.push_back(internals.scores);
      outputs.values.push_back(internals.values);
    }
  }
  outputs.last_hidden = hidden;
  outputs.pooled = pooler(hidden);
  return outputs;
}

TransformerShape ShapeOf(const BertConfig& config) {
  return {config.num_hidden_layers, config.num_attention_heads, config.hidden_size};
}

TransformerInternals TakeInternals(BertEncoderOutputs& outputs, const torch::Tensor& token_mask) {
  TransformerInternals internals;
  internals.token_mask = token_mask.to(torch::kBool);
  internals.hidden_states = std::move(outputs.hidden_states);
  internals.attention_scores = std::move(outputs.attention_scores);
  internals.attentions = std::move(outputs.attentions);
  internals.values = std::move(outputs.values);
  return internals;
}

void BertPredictionTransformImpl::reset() {
  dense = register_module("dense", torch::nn::Linear(config_.hidden_size, config_.hidden_size));
  LayerNorm = register_module("LayerNorm", MakeLayerNorm(config_));
}

torch::Tensor BertPredictionTransformImpl::forward(
    const torch::Tensor& hidden) {
  // In the weights' type: under bfloat16 autocast the product is bfloat16,
  // which LibTorch 1.13's CPU layer_norm refuses beside float32 weights.
  return LayerNorm(
      torch::gelu(dense(hidden)).to(LayerNorm->weight.scalar_type()));
}

void BertLmPredictionsImpl::reset() {
  transform = register_module("transform", BertPredictionTransform(config_));
  bias = register_parameter("bias", torch::zeros({config_.vocab_size}));
}

torch::Tensor BertLmPredictionsImpl::forward(const torch::Tensor& hidden,
                                             const torch::Tensor& word_embeddings) {
  return torch::nn::functional::linear(transform(hidden), word_embeddings, bias);
}

void BertMlmHeadImpl::reset() {
  predictions = register_module("predictions", BertLmPredictions(config_));
}

void BertTeacherImpl::reset() {
  bert = register_module("bert", BertModel(config_));
  dropout = register_module("dropout", Dropout(config_.hidden_dropout_prob));
  classifier = nullptr;
  if (!config_.labels.empty()) {
    classifier = register_module(
        "classifier", torch::nn::Linear(config_.hidden_size, num_labels()));
  }
  cls = register_module("cls", BertMlmHead(config_));
  InitializeBertWeights(*this, config_.initializer_range);
}

BertTeacherImpl::Outputs BertTeacherImpl::forward(const torch::Tensor& input_ids,
                                                  const torch::Tensor& attention_mask,
                                                  bool all_layers) {
  TORCH_CHECK(!classifier.is_empty(), "this BERT has no classification head (no labels)");
  Outputs outputs;
  outputs.encoder = bert(input_ids, attention_mask, torch::Tensor(), all_layers);
  outputs.logits = classifier(dropout(outputs.encoder.pooled));
  return outputs;
}

torch::Tensor BertTeacherImpl::MlmLogits(const torch::Tensor& hidden) {
  // The vocabulary projection is the costliest product of a pre-training step.
  AutocastScope autocast(hidden.device().type(), bert->precision());
  torch::Tensor logits =
      cls->predictions(hidden, bert->embeddings->word_embeddings->weight);
  return autocast.active() ? logits.to(torch::kFloat32) : logits;
}

void BertTeacherImpl::set_precision(TrainingPrecision precision) {
  bert->set_precision(precision);
}

void InitializeBertWeights(torch::nn::Module& module, double initializer_range) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& parameter = item.value();
    if (absl::StrContains(name, "LayerNorm.")) {
      if (absl::EndsWith(name, ".weight")) {
        parameter.fill_(1.0);
      } else {
        parameter.zero_();
      }
    } else if (absl::EndsWith(name, "bias")) {
      parameter.zero_();
    } else {
      parameter.normal_(0.0, initializer_range);
    }
  }
}

BertParameterCounts CountClassifierParameters(BertTeacherImpl& teacher) {
  BertParameterCounts counts;
  for (const auto& item : teacher.bert->named_parameters()) {
    counts.total += item.value().numel();
    if (item.key().find("_embeddings.") != std::string::npos) {
      counts.embedding += item.value().numel();
    }
  }
  if (teacher.classifier) {
    for (const torch::Tensor& parameter : teacher.classifier->parameters()) {
      counts.total += parameter.numel();
    }
  }
  return counts;
}

}  // namespace kdbench
