// adaptive-kl against values computed by hand, and its weight's gradient.
#include <torch/torch.h>

#include <cmath>

#include "gtest/gtest.h"
#include "lib/distill/transfer_loss.h"

namespace kdbench {
namespace {

double Softmax0(double a, double b) { return 1 / (1 + std::exp(b - a)); }

TEST(AdaptiveKlLossTest, WeighsTheKlByOneMinusTheBatchsCosine) {
  absl::StatusOr<TransferLossPtr> loss =
      MakeTransferLoss("adaptive-kl", {.temperature = 3, .parameters = {{"T", 2}}});
  ASSERT_TRUE(loss.ok()) << loss.status();
  const double s[2][2] = {{1, 0}, {0, 0.5}}, t[2][2] = {{0, 2}, {1, -1}};
  StudentOutputs student{.logits = torch::tensor({{s[0][0], s[0][1]}, {s[1][0], s[1][1]}})};
  TeacherTargets teacher{.logits = torch::tensor({{t[0][0], t[0][1]}, {t[1][0], t[1][1]}})};
  double cosine = 0, kl = 0;
  const double temperature = 2;
  for (int i = 0; i < 2; ++i) {
    const double ps = Softmax0(s[i][0], s[i][1]), pt = Softmax0(t[i][0], t[i][1]);
    cosine += (ps * pt + (1 - ps) * (1 - pt)) /
              (std::hypot(ps, 1 - ps) * std::hypot(pt, 1 - pt)) / 2;
    const double q = Softmax0(s[i][0] / temperature, s[i][1] / temperature);
    const double p = Softmax0(t[i][0] / temperature, t[i][1] / temperature);
    kl += temperature * temperature * (p * std::log(p / q) + (1 - p) * std::log((1 - p) / (1 - q))) / 2;
  }
  EXPECT_NEAR((*loss)->forward(student, teacher).item<double>(), (1 - cosine) * kl, 1e-6);
}

TEST(AdaptiveKlLossTest, AgreementSilencesImitation) {
  absl::StatusOr<TransferLossPtr> loss = MakeTransferLoss("adaptive-kl", {.temperature = 2});
  ASSERT_TRUE(loss.ok());
  const torch::Tensor logits = torch::tensor({{2.0, -1.0, 0.5}});
  EXPECT_NEAR((*loss)->forward({.logits = logits}, {.logits = logits}).item<double>(), 0, 1e-7);
}

// The weight is a constant for the gradient: the gradient is w times the
// KL's own gradient.
TEST(AdaptiveKlLossTest, NoGradientThroughTheWeight) {
  absl::StatusOr<TransferLossPtr> adaptive = MakeTransferLoss("adaptive-kl", {.temperature = 2});
  absl::StatusOr<TransferLossPtr> kl = MakeTransferLoss("L_KL", {.temperature = 2});
  ASSERT_TRUE(adaptive.ok() && kl.ok());
  const torch::Tensor teacher_logits = torch::tensor({{0.0, 2.0}});
  torch::Tensor a = torch::tensor({{1.0, 0.0}}, torch::requires_grad());
  torch::Tensor b = torch::tensor({{1.0, 0.0}}, torch::requires_grad());
  (*adaptive)->forward({.logits = a}, {.logits = teacher_logits}).backward();
  (*kl)->forward({.logits = b}, {.logits = teacher_logits}).backward();
  const double ps = Softmax0(1, 0), pt = Softmax0(0, 2);
  const double weight = 1 - (ps * pt + (1 - ps) * (1 - pt)) /
                                (std::hypot(ps, 1 - ps) * std::hypot(pt, 1 - pt));
  EXPECT_TRUE(torch::allclose(a.grad(), weight * b.grad(), 1e-6, 1e-7));
}

}  // namespace
}  // namespace kdbench
