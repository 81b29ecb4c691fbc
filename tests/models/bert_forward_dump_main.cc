// Test tool: builds a tiny random BERT teacher, saves it as a Hugging Face
// checkpoint in DIR, runs a forward pass in eval mode on fixed inputs (with
// padding) and writes inputs and outputs to DIR/forward.json, for an
// independent Python implementation to recompute.
// usage: bert_forward_dump DIR
#include <torch/torch.h>

#include <cstdio>
#include <string>

#include "lib/models/bert.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/util/atomic_file.h"
#include "nlohmann/json.hpp"

namespace {

nlohmann::json ToJson(const torch::Tensor& tensor) {
  torch::Tensor flat = tensor.detach().to(torch::kFloat64).contiguous().view({-1});
  return {{"shape", tensor.sizes().vec()},
          {"data", std::vector<double>(flat.data_ptr<double>(),
                                       flat.data_ptr<double>() + flat.numel())}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  torch::manual_seed(7);
  kdbench::BertConfig config;
  config.vocab_size = 40;
  config.hidden_size = 16;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 24;
  config.max_position_embeddings = 12;
  config.labels = {"a", "b", "c"};
  kdbench::BertTeacher model(config);
  // Weights of order one (not BERT's 0.02): activations reach the range
  // where a wrong formula (e.g. tanh-GELU for erf-GELU) shows above 1e-5.
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : model->parameters()) parameter.add_(0.4 * torch::randn_like(parameter));
  }
  model->eval();
  std::vector<std::string> tokens;
  for (int i = 0; i < config.vocab_size; ++i) tokens.push_back(i == 1 ? "[UNK]" : "t" + std::to_string(i));
  auto vocabulary = kdbench::Vocabulary::FromTokens(tokens, "test");
  if (auto status = kdbench::SaveBertTeacher(model, *vocabulary, dir); !status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  torch::Tensor ids = torch::tensor({{2, 5, 9, 33, 7, 3, 0, 0}, {2, 11, 12, 13, 14, 15, 16, 3}},
                                    torch::kLong);
  torch::Tensor mask = ids.ne(0).to(torch::kLong);
  mask[1].fill_(1);
  torch::NoGradGuard no_grad;
  auto outputs = model->forward(ids, mask, /*all_layers=*/true);
  torch::Tensor mlm = model->MlmLogits(outputs.encoder.last_hidden.select(0, 1).slice(0, 1, 4));
  nlohmann::json json = {
      {"input_ids", ToJson(ids)},
      {"attention_mask", ToJson(mask)},
      {"logits", ToJson(outputs.logits)},
      {"pooled", ToJson(outputs.encoder.pooled)},
      {"last_hidden", ToJson(outputs.encoder.last_hidden)},
      {"hidden_states_1", ToJson(outputs.encoder.hidden_states[1])},
      {"attentions_0", ToJson(outputs.encoder.attentions[0])},
      {"mlm_logits_row1_pos1to3", ToJson(mlm)},
  };
  if (auto status = kdbench::WriteFileAtomically(dir + "/forward.json", json.dump()); !status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
