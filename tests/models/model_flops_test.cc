// The shape formulas of lib/models/model_flops against an independent count:
// 2 FLOPs per weight of every matrix product, read off the instantiated
// models' parameters (plus BERT's attention products, which have no weights).
#include "lib/models/model_flops.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "absl/strings/match.h"
#include "lib/models/bert.h"
#include "lib/models/student_registry.h"

namespace kdbench {
namespace {

double WeightFlops(torch::nn::Module& module, double per_weight_uses,
                   const std::function<bool(const std::string&, const torch::Tensor&)>& counted) {
  double flops = 0;
  for (const auto& item : module.named_parameters()) {
    if (counted(item.key(), item.value())) flops += 2 * per_weight_uses * item.value().numel();
  }
  return flops;
}

TEST(ModelFlopsTest, BertMatchesItsWeightsAndAttentionProducts) {
  BertConfig config;
  config.vocab_size = 100, config.hidden_size = 48, config.num_attention_heads = 4;
  config.num_hidden_layers = 3, config.intermediate_size = 80, config.max_position_embeddings = 32;
  config.labels = {"a", "b", "c"};
  BertTeacher teacher(config);
  const int64_t batch = 5, length = 7;
  const double tokens = batch * length;
  // Encoder matrices act on every token; the pooler and classifier on every example.
  const double encoder = WeightFlops(*teacher, tokens, [](const std::string& name, const torch::Tensor& w) {
    return absl::StartsWith(name, "bert.encoder.") && w.dim() == 2;
  });
  const double head = WeightFlops(*teacher, batch, [](const std::string& name, const torch::Tensor& w) {
    return (absl::StartsWith(name, "bert.pooler.") || absl::StartsWith(name, "classifier.")) &&
           w.dim() == 2;
  });
  const double attention = 3 * tokens * 2 * 2 * length * 48;  // layers x tokens x (QK^T, AV)
  EXPECT_GT(encoder, 0);
  EXPECT_DOUBLE_EQ(BertForwardFlops(config, batch, length, 3), encoder + head + attention);
}

TEST(ModelFlopsTest, LstmStudentsMatchTheirWeights) {
  for (const char* architecture : {"bilstm", "rnn"}) {
    StudentPtr student = *MakeStudent(
        {.architecture = architecture, .size = "tiny", .vocab_size = 50, .num_classes = 4});
    const int64_t batch = 3, length = 11;
    const double recurrent = WeightFlops(*student, batch * length, [](const std::string& name, const torch::Tensor&) {
      return absl::StrContains(name, "weight_ih") || absl::StrContains(name, "weight_hh");
    });
    const double top = WeightFlops(*student, batch, [](const std::string& name, const torch::Tensor& w) {
      return !absl::StrContains(name, "lstm") && !absl::StrContains(name, "embedding") && w.dim() == 2;
    });
    EXPECT_GT(recurrent, 0) << architecture;
    EXPECT_DOUBLE_EQ(*StudentForwardFlops(*student, batch, length), recurrent + top) << architecture;
  }
}

TEST(ModelFlopsTest, CnnStudentMatchesItsFilters) {
  StudentPtr student = *MakeStudent({.architecture = "cnn", .size = "tiny", .vocab_size = 50, .num_classes = 2});
  const int64_t batch = 2, length = 9;
  double convolutions = 0;
  for (const auto& item : student->named_parameters()) {
    const torch::Tensor& w = item.value();
    if (w.dim() == 3) convolutions += 2.0 * w.numel() * batch * (length - w.size(2) + 1);
  }
  const double top = WeightFlops(*student, batch, [](const std::string& name, const torch::Tensor& w) {
    return !absl::StrContains(name, "embedding") && w.dim() == 2;
  });
  EXPECT_GT(convolutions, 0);
  EXPECT_DOUBLE_EQ(*StudentForwardFlops(*student, batch, length), convolutions + top);
}

TEST(ModelFlopsTest, TrainingStepIsThreeForwardPasses) {
  EXPECT_DOUBLE_EQ(TrainingStepFlops(10), 30);
}

}  // namespace
}  // namespace kdbench
