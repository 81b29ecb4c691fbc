// Each loss against values computed independently: plain double loops over
// std::vector, written from the paper's equations, never calling LibTorch.
#include "lib/distill/distillation_losses.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

using Matrix = std::vector<std::vector<double>>;

torch::Tensor ToTensor(const Matrix& rows) {
  std::vector<float> flat;
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  return torch::tensor(flat).view({static_cast<int64_t>(rows.size()),
                                   static_cast<int64_t>(rows[0].size())});
}

Matrix ToMatrix(const torch::Tensor& tensor) {
  Matrix rows(tensor.size(0), std::vector<double>(tensor.size(1)));
  for (int64_t i = 0; i < tensor.size(0); ++i) {
    for (int64_t j = 0; j < tensor.size(1); ++j) rows[i][j] = tensor[i][j].item<double>();
  }
  return rows;
}

std::vector<double> Softmax(const std::vector<double>& logits, double temperature = 1) {
  double total = 0;
  std::vector<double> out;
  for (double value : logits) total += std::exp(value / temperature);
  for (double value : logits) out.push_back(std::exp(value / temperature) / total);
  return out;
}

const Matrix kStudentLogits = {{1.0, -0.5, 0.25}, {0.0, 2.0, -1.0}};
const Matrix kTeacherLogits = {{2.0, 0.5, -1.0}, {-0.5, 0.5, 3.0}};

TEST(DistillationLossesTest, CrossEntropyIsBatchMeanOfNegativeLogSoftmax) {
  const std::vector<int64_t> labels = {2, 1};
  double expected = 0;
  for (size_t i = 0; i < 2; ++i) expected -= std::log(Softmax(kStudentLogits[i])[labels[i]]);
  expected /= 2;
  EXPECT_NEAR(CrossEntropyLoss(ToTensor(kStudentLogits), torch::tensor({2, 1}, torch::kLong))
                  .item<double>(),
              expected, 1e-6);
}

TEST(DistillationLossesTest, HardDistillationUsesTeacherArgmax) {
  // Teacher argmax: class 0 for the first row, class 2 for the second.
  double expected = -(std::log(Softmax(kStudentLogits[0])[0]) +
                      std::log(Softmax(kStudentLogits[1])[2])) / 2;
  torch::Tensor probabilities = torch::softmax(ToTensor(kTeacherLogits), 1);
  EXPECT_NEAR(HardDistillationLoss(ToTensor(kStudentLogits), probabilities).item<double>(),
              expected, 1e-6);
}

TEST(DistillationLossesTest, TemperatureKlIsBatchMeanTimesTSquared) {
  for (double temperature : {1.0, 2.0, 4.0}) {
    double expected = 0;
    for (size_t i = 0; i < 2; ++i) {
      std::vector<double> p = Softmax(kTeacherLogits[i], temperature);
      std::vector<double> q = Softmax(kStudentLogits[i], temperature);
      for (size_t c = 0; c < 3; ++c) expected += p[c] * std::log(p[c] / q[c]);
    }
    expected = expected / 2 * temperature * temperature;
    EXPECT_NEAR(TemperatureKlLoss(ToTensor(kStudentLogits), ToTensor(kTeacherLogits), temperature)
                    .item<double>(),
                expected, 1e-6)
        << "T=" << temperature;
  }
  // Identical distributions: zero.
  EXPECT_NEAR(TemperatureKlLoss(ToTensor(kTeacherLogits), ToTensor(kTeacherLogits), 3.0)
                  .item<double>(),
              0.0, 1e-7);
}

TEST(DistillationLossesTest, LogitLossIsHalfSquaredErrorOfALinearHead) {
  torch::manual_seed(3);
  LogitLoss loss(LogitLossOptions(4, 3));
  const Matrix features = {{0.5, -1.0, 2.0, 0.0}, {1.5, 0.25, -0.5, 1.0}};
  const Matrix target = {{1.0, -2.0, 0.5}, {0.0, 0.0, 3.0}};
  const Matrix weight = ToMatrix(loss->regression->weight.detach());
  const Matrix bias = ToMatrix(loss->regression->bias.detach().unsqueeze(0));
  double expected = 0;
  for (size_t i = 0; i < 2; ++i) {
    for (size_t c = 0; c < 3; ++c) {
      double r = bias[0][c];
      for (size_t k = 0; k < 4; ++k) r += weight[c][k] * features[i][k];
      expected += 0.5 * (r - target[i][c]) * (r - target[i][c]);
    }
  }
  expected /= 2;
  EXPECT_NEAR(loss(ToTensor(features), ToTensor(target)).item<double>(), expected, 1e-5);
}

TEST(DistillationLossesTest, RepresentationLossUsesErfGeluAndBothReductions) {
  torch::manual_seed(4);
  RepresentationLoss half_sum(RepresentationLossOptions(3, 5));
  RepresentationLoss mean(RepresentationLossOptions(3, 5).reduction(FeatureReduction::kMean));
  {
    torch::NoGradGuard no_grad;
    mean->projection->weight.copy_(half_sum->projection->weight);
    mean->projection->bias.copy_(half_sum->projection->bias);
  }
  const Matrix features = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}};
  const Matrix target = {{0.1, 0.2, -0.3, 0.4, 0.0}, {1.0, -1.0, 0.5, 0.0, 0.25}};
  const Matrix weight = ToMatrix(half_sum->projection->weight.detach());
  const Matrix bias = ToMatrix(half_sum->projection->bias.detach().unsqueeze(0));
  double squared_error = 0;
  for (size_t i = 0; i < 2; ++i) {
    for (size_t d = 0; d < 5; ++d) {
      double x = bias[0][d];
      for (size_t k = 0; k < 3; ++k) x += weight[d][k] * features[i][k];
      const double gelu = 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
      squared_error += (gelu - target[i][d]) * (gelu - target[i][d]);
    }
  }
  EXPECT_NEAR(half_sum(ToTensor(features), ToTensor(target)).item<double>(),
              0.5 * squared_error / 2, 1e-5);
  EXPECT_NEAR(mean(ToTensor(features), ToTensor(target)).item<double>(), squared_error / 10, 1e-5);
}

TEST(DistillationLossesTest, RepresentationLossWithoutProjectionComparesFeaturesDirectly) {
  RepresentationLoss loss(RepresentationLossOptions(2, 2).project(false));
  EXPECT_EQ(loss->parameters().size(), 0u);
  // 1/2 ((1 - 0)^2 + (2 - 4)^2) = 2.5 for one example.
  EXPECT_NEAR(loss(torch::tensor({{1.0f, 2.0f}}), torch::tensor({{0.0f, 4.0f}})).item<double>(),
              2.5, 1e-6);
}

TEST(DistillationLossesTest, LossesAreDifferentiableInTheStudent) {
  torch::Tensor student = ToTensor(kStudentLogits).requires_grad_(true);
  TemperatureKlLoss(student, ToTensor(kTeacherLogits), 2.0).backward();
  ASSERT_TRUE(student.grad().defined());
  // d/ds of T^2 KL at temperature T is T * (q - p) / batch.
  torch::Tensor expected =
      2.0 * (torch::softmax(student.detach() / 2, 1) - torch::softmax(ToTensor(kTeacherLogits) / 2, 1)) / 2;
  EXPECT_TRUE(torch::allclose(student.grad(), expected, 1e-5, 1e-6));
}

}  // namespace
}  // namespace kdbench
