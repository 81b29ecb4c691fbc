#include "lib/models/mixed_precision.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "lib/models/bert.h"
#include "lib/util/runtime_environment.h"

namespace kdbench {
namespace {

using ::testing::HasSubstr;

TEST(MixedPrecisionTest, SettingsResolveAndUnknownNamesListTheKnownOnes) {
  EXPECT_EQ(*ResolveTrainingPrecision("float32", torch::kCPU), TrainingPrecision::kFloat32);
  EXPECT_EQ(*ResolveTrainingPrecision("bfloat16", torch::kCPU), TrainingPrecision::kBFloat16);
  // auto follows the CPU's flags; CUDA's support this build cannot ask.
  EXPECT_EQ(*ResolveTrainingPrecision("auto", torch::kCPU),
            CpuFlagsHaveBFloat16Products(CpuFlags()) ? TrainingPrecision::kBFloat16
                                                     : TrainingPrecision::kFloat32);
  EXPECT_EQ(*ResolveTrainingPrecision("auto", c10::Device(c10::kCUDA, 0)),
            TrainingPrecision::kFloat32);
  for (const char* name : {"float16", "fp8", ""}) {
    absl::StatusOr<TrainingPrecision> unknown = ResolveTrainingPrecision(name, torch::kCPU);
    ASSERT_FALSE(unknown.ok()) << name;
    EXPECT_THAT(std::string(unknown.status().message()),
                HasSubstr("known: float32, bfloat16, auto"));
  }
  EXPECT_EQ(TrainingPrecisionName(TrainingPrecision::kBFloat16), "bfloat16");
  EXPECT_EQ(TrainingPrecisionName(TrainingPrecision::kFloat32), "float32");
}

TEST(MixedPrecisionTest, NativeBFloat16IsReadFromWholeFlags) {
  EXPECT_TRUE(CpuFlagsHaveBFloat16Products("fpu avx512f avx512_bf16 avx512_vnni"));
  EXPECT_TRUE(CpuFlagsHaveBFloat16Products("fpu amx_bf16 amx_tile"));
  EXPECT_FALSE(CpuFlagsHaveBFloat16Products("fpu avx512f avx512bw avx512_vnni"));
  EXPECT_FALSE(CpuFlagsHaveBFloat16Products("avx512_bf16x avx2"));
  EXPECT_FALSE(CpuFlagsHaveBFloat16Products(""));
}

TEST(MixedPrecisionTest, ScopesMultiplyInBFloat16AndRestoreWhatWasBefore) {
  torch::manual_seed(1);
  const torch::Tensor a = torch::randn({8, 16});
  const torch::Tensor b = torch::randn({16, 4});
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
  {
    AutocastScope outer(c10::kCPU, TrainingPrecision::kBFloat16);
    EXPECT_TRUE(outer.active());
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    {
      // A float32 scope leaves the enclosing one alone; a nested bfloat16
      // scope does not end it on exit.
      AutocastScope inactive(c10::kCPU, TrainingPrecision::kFloat32);
      EXPECT_FALSE(inactive.active());
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
      { AutocastScope inner(c10::kCPU, TrainingPrecision::kBFloat16); }
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
}

BertTeacher SmallTeacher() {
  BertConfig config;
  config.vocab_size = 50;
  config.hidden_size = 64;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 128;
  config.max_position_embeddings = 16;
  config.labels = {"a", "b", "c"};
  torch::manual_seed(3);
  return BertTeacher(config);
}

// A teacher in bfloat16 computes in it (its outputs differ from float32's
// in the low bits), hands float32 to whoever reads them, and trains float32
// weights from finite gradients.
TEST(MixedPrecisionTest, ATeacherInBFloat16GivesFloat32OutputsCloseToFloat32s) {
  BertTeacher teacher = SmallTeacher();
  teacher->eval();
  const torch::Tensor ids = torch::randint(5, 50, {4, 12}, torch::kLong);
  const torch::Tensor mask = torch::ones({4, 12}, torch::kBool);
  const BertTeacherImpl::Outputs exact = teacher->forward(ids, mask, /*all_layers=*/true);
  teacher->set_precision(TrainingPrecision::kBFloat16);
  EXPECT_EQ(teacher->precision(), TrainingPrecision::kBFloat16);
  const BertTeacherImpl::Outputs mixed = teacher->forward(ids, mask, /*all_layers=*/true);
  EXPECT_EQ(mixed.logits.scalar_type(), torch::kFloat32);
  EXPECT_EQ(mixed.encoder.last_hidden.scalar_type(), torch::kFloat32);
  EXPECT_EQ(mixed.encoder.attentions.back().scalar_type(), torch::kFloat32);
  const double difference = (mixed.encoder.last_hidden - exact.encoder.last_hidden).abs().max().item<double>();
  EXPECT_GT(difference, 0) << "bfloat16 arithmetic should change the low bits";
  EXPECT_LT(difference, 0.1);
  EXPECT_TRUE(torch::allclose(mixed.logits, exact.logits, /*rtol=*/0.05, /*atol=*/0.05));
  // Nothing leaks: after the forward pass, products are float32 again.
  EXPECT_EQ(torch::mm(torch::ones({2, 2}), torch::ones({2, 2})).scalar_type(), torch::kFloat32);

  teacher->train();
  const torch::Tensor mlm = teacher->MlmLogits(mixed.encoder.last_hidden.reshape({-1, 64}));
  EXPECT_EQ(mlm.scalar_type(), torch::kFloat32);
  torch::Tensor loss = torch::nn::functional::cross_entropy(
      teacher->forward(ids, mask).logits, torch::tensor({0, 1, 2, 0}, torch::kLong));
  loss.backward();
  for (const auto& parameter : teacher->named_parameters()) {
    if (!parameter.value().grad().defined()) continue;
    EXPECT_EQ(parameter.value().scalar_type(), torch::kFloat32) << parameter.key();
    EXPECT_EQ(parameter.value().grad().scalar_type(), torch::kFloat32) << parameter.key();
    EXPECT_TRUE(torch::isfinite(parameter.value().grad()).all().item<bool>()) << parameter.key();
  }
}

}  // namespace
}  // namespace kdbench
