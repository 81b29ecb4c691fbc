#include "lib/models/deployed_bilstm.h"

#include <torch/torch.h>

#include <vector>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

constexpr int64_t kVocab = 60, kClasses = 3;

// embedding_dim 10 = hidden_size, as the mini students' 128 and 128.
BiLstmStudent MakeStudent(BiLstmPooling pooling, int64_t head_width,
                          int64_t embedding_dim = 12) {
  torch::manual_seed(7);
  BiLstmStudent student(BiLstmStudentOptions(kVocab, kClasses)
                            .embedding_dim(embedding_dim)
                            .hidden_size(10)
                            .pooling(pooling)
                            .head_width(head_width)
                            .dropout(0.3));
  student->eval();
  return student;
}

// The student's own logits for one unpadded sequence.
torch::Tensor StudentLogits(BiLstmStudent& student,
                            const std::vector<int32_t>& ids) {
  torch::NoGradGuard no_grad;
  torch::Tensor input =
      torch::tensor(std::vector<int64_t>(ids.begin(), ids.end())).unsqueeze(0);
  return student
      ->forward(input, torch::tensor({static_cast<int64_t>(ids.size())}))
      .logits[0];
}

std::vector<int32_t> RandomIds(int64_t length) {
  torch::Tensor ids = torch::randint(1, kVocab, {length}, torch::kInt);
  return std::vector<int32_t>(ids.data_ptr<int32_t>(),
                              ids.data_ptr<int32_t>() + length);
}

TEST(DeployedBiLstmTest, Float32ReproducesTheStudentForEveryPoolingAndHead) {
  for (BiLstmPooling pooling :
       {BiLstmPooling::kMax, BiLstmPooling::kLastState}) {
    for (auto [head_width, embedding_dim] :
         {std::pair<int64_t, int64_t>{0, 12}, {8, 12}, {0, 10}}) {
      BiLstmStudent student = MakeStudent(pooling, head_width, embedding_dim);
      auto deployed =
          DeployedBiLstm::Create(*student, InferencePrecision::kFloat32);
      ASSERT_TRUE(deployed.ok()) << deployed.status();
      for (int64_t length : {1, 2, 7, 25, 7, 64}) {
        const std::vector<int32_t> ids = RandomIds(length);
        absl::StatusOr<std::vector<float>> logits = (*deployed)->Logits(ids);
        ASSERT_TRUE(logits.ok()) << logits.status();
        EXPECT_TRUE(torch::allclose(torch::tensor(*logits),
                                    StudentLogits(student, ids), 1e-5, 1e-5))
            << "length " << length << " head " << head_width;
      }
    }
  }
}

TEST(DeployedBiLstmTest, EmptyInputGivesTheClassifierOfZeroFeatures) {
  BiLstmStudent student = MakeStudent(BiLstmPooling::kMax, 0);
  auto deployed =
      DeployedBiLstm::Create(*student, InferencePrecision::kFloat32);
  ASSERT_TRUE(deployed.ok());
  absl::StatusOr<std::vector<float>> logits = (*deployed)->Logits({});
  ASSERT_TRUE(logits.ok());
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(torch::tensor(*logits),
                              student->classifier(torch::zeros({1, 20}))[0],
                              1e-6, 1e-6));
}

TEST(DeployedBiLstmTest, TokenOutsideTheVocabularyIsAnError) {
  BiLstmStudent student = MakeStudent(BiLstmPooling::kMax, 0);
  auto deployed =
      DeployedBiLstm::Create(*student, InferencePrecision::kFloat32);
  ASSERT_TRUE(deployed.ok());
  absl::StatusOr<std::vector<float>> logits = (*deployed)->Logits({3, kVocab});
  ASSERT_FALSE(logits.ok());
  EXPECT_NE(logits.status().message().find("position 1"), std::string::npos);
}

// bfloat16 and int8 change the logits a little, not the decisions of a
// model whose classes are well apart; skipped where the CPU has no kernel.
TEST(DeployedBiLstmTest, ReducedPrecisionsKeepLogitsClose) {
  BiLstmStudent student = MakeStudent(BiLstmPooling::kMax, 0);
  const int64_t float32_bytes =
      (*DeployedBiLstm::Create(*student, InferencePrecision::kFloat32))
          ->RecurrentWeightBytes();
  for (InferencePrecision precision :
       {InferencePrecision::kBFloat16, InferencePrecision::kInt8}) {
    auto deployed = DeployedBiLstm::Create(*student, precision);
    if (!deployed.ok()) {
      ASSERT_EQ(deployed.status().code(), absl::StatusCode::kUnimplemented)
          << deployed.status();
      continue;
    }
    EXPECT_LT((*deployed)->RecurrentWeightBytes(), float32_bytes);
    double worst = 0;
    for (int i = 0; i < 20; ++i) {
      const std::vector<int32_t> ids = RandomIds(1 + i);
      torch::Tensor logits = torch::tensor(*(*deployed)->Logits(ids));
      worst = std::max(
          worst,
          (logits - StudentLogits(student, ids)).abs().max().item<double>());
    }
    EXPECT_LT(worst, 0.05) << PrecisionName(precision);
    EXPECT_GT(worst, 0) << PrecisionName(precision);
  }
}

}  // namespace
}  // namespace kdbench
