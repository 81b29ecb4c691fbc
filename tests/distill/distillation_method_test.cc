#include "lib/distill/distillation_method.h"

#include <torch/torch.h>

#include "gtest/gtest.h"
#include "lib/distill/transfer_loss.h"

namespace kdbench {
namespace {

TEST(DistillationMethodTest, ThePapersMethodsComeFirst) {
  const std::vector<std::string> methods = KnownMethods();
  ASSERT_GE(methods.size(), 5u);
  EXPECT_EQ(std::vector<std::string>(methods.begin(), methods.begin() + 5),
            (std::vector<std::string>{"none", "hard", "soft", "soft+repr", "kl"}));
}

TEST(DistillationMethodTest, ParsesParameters) {
  absl::StatusOr<DistillationMethod> kl = ParseDistillationMethod("kl(T=4)");
  ASSERT_TRUE(kl.ok()) << kl.status();
  EXPECT_EQ(kl->base, "kl");
  EXPECT_EQ(kl->name, "kl(T=4)");
  EXPECT_EQ(kl->parameters, (std::map<std::string, double>{{"T", 4.0}}));
  ASSERT_EQ(kl->losses.size(), 1u);
  EXPECT_EQ(kl->losses[0].loss, "L_KL");
  absl::StatusOr<DistillationMethod> soft_repr = ParseDistillationMethod("soft+repr");
  ASSERT_TRUE(soft_repr.ok());
  ASSERT_EQ(soft_repr->losses.size(), 2u);
  EXPECT_TRUE(soft_repr->losses[0].representation_stage);
  EXPECT_EQ(soft_repr->losses[0].weight, LossWeight::kBeta);
  absl::StatusOr<DistillationMethod> none = ParseDistillationMethod("none");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->losses.empty());
}

TEST(DistillationMethodTest, BadNamesSayWhatIsWrong) {
  struct Case {
    std::string name, message;
  };
  for (const Case& c : std::vector<Case>{
           {"kll", "--method=kll: unknown; known: none, hard, soft, soft+repr, kl"},
           {"kl(T=4", "parameters are written base(key=value,...)"},
           {"kl()", "parameters are written base(key=value,...)"},
           {"kl(T=)", "'T=' is not key=number"},
           {"kl(temperature=2)", "method \"kl\" has no parameter \"temperature\"; it takes: T"},
           {"kl(T=2,T=3)", "parameter \"T\" given twice"},
           {"hard(T=2)", "it takes: none"},
           {"none(T=2)", "unknown"}}) {
    absl::StatusOr<DistillationMethod> method = ParseDistillationMethod(c.name);
    ASSERT_FALSE(method.ok()) << c.name;
    EXPECT_NE(method.status().message().find(c.message), std::string::npos)
        << c.name << ": " << method.status().message();
  }
}

TEST(TransferLossTest, UnknownLossesAndParametersAreNamed) {
  absl::StatusOr<TransferLossPtr> unknown = MakeTransferLoss("L_XX", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("registered: L_KL, L_LL, L_RL, L_hard"),
            std::string::npos)
      << unknown.status().message();
  absl::StatusOr<TransferLossPtr> bad = MakeTransferLoss("L_hard", {.parameters = {{"T", 2}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("has no parameter \"T\""), std::string::npos);
  absl::StatusOr<TransferLossPtr> cold = MakeTransferLoss("L_KL", {.parameters = {{"T", 0}}});
  ASSERT_FALSE(cold.ok());
  EXPECT_NE(cold.status().message().find("temperature must be > 0"), std::string::npos);
  absl::StatusOr<TransferLossPtr> no_width = MakeTransferLoss("L_RL", {.feature_size = 4});
  ASSERT_FALSE(no_width.ok());
}

// The method's T reaches the loss: T=1 and T=4 give T^2 KL at their own T.
TEST(TransferLossTest, TheTemperatureParameterIsUsed) {
  StudentOutputs student{.logits = torch::tensor({{1.0, 0.0}})};
  TeacherTargets teacher{.logits = torch::tensor({{0.0, 2.0}})};
  for (double t : {1.0, 4.0}) {
    absl::StatusOr<TransferLossPtr> loss =
        MakeTransferLoss("L_KL", {.temperature = 2, .parameters = {{"T", t}}});
    ASSERT_TRUE(loss.ok());
    // By hand: p = softmax(teacher / T), q = softmax(student / T), T^2 sum p log(p / q).
    const double p1 = 1 / (1 + std::exp(2 / t)), p2 = 1 - p1;
    const double q1 = 1 / (1 + std::exp(-1 / t)), q2 = 1 - q1;
    const double expected = t * t * (p1 * std::log(p1 / q1) + p2 * std::log(p2 / q2));
    EXPECT_NEAR((*loss)->forward(student, teacher).item<double>(), expected, 1e-6) << t;
  }
}

}  // namespace
}  // namespace kdbench
