#include "lib/models/transformer_student.h"

#include <torch/torch.h>

#include "lib/models/sequence_masking.h"

namespace kdbench {

TransformerStudentImpl::TransformerStudentImpl(TransformerStudentOptions options_)
    : options(std::move(options_)) {
  bert = register_module("bert", BertModel(options.encoder()));
  dropout = register_module("dropout", Dropout(options.encoder().hidden_dropout_prob));
  classifier = register_module(
      "classifier", torch::nn::Linear(options.encoder().hidden_size, options.num_classes()));
  InitializeBertWeights(*this, options.encoder().initializer_range);
}

StudentOutputs TransformerStudentImpl::forward(const torch::Tensor& input_ids,
                                               const torch::Tensor& lengths) {
  FramedBatch framed =
      FrameWithClsSep(input_ids, lengths, options.cls_id(), options.sep_id(),
                      options.padding_idx(), options.encoder().max_position_embeddings);
  BertEncoderOutputs encoded = bert->forward(framed.ids, framed.mask, {}, /*all_layers=*/true);
  StudentOutputs outputs;
  outputs.features = encoded.pooled;
  outputs.logits = classifier(dropout(encoded.pooled));
  outputs.layers = TakeInternals(encoded, framed.mask);
  return outputs;
}

std::vector<LayerGroup> TransformerStudentImpl::LayerGroups() {
  std::vector<torch::Tensor> top = bert->pooler->parameters();
  for (const auto& parameter : classifier->parameters()) top.push_back(parameter);
  return {{"embedding", bert->embeddings->parameters()},
          {"encoder", bert->encoder->parameters()},
          {"classifier", top}};
}

int64_t TransformerStudentImpl::EmbeddingParameterCount() const {
  // As the teachers count it: the three embedding tables.
  return bert->embeddings->word_embeddings->weight.numel() +
         bert->embeddings->position_embeddings->weight.numel() +
         bert->embeddings->token_type_embeddings->weight.numel();
}

}  // namespace kdbench
