// feature_matching against element-by-element references.
#include "lib/distill/feature_matching.h"

#include <torch/torch.h>

#include "gtest/gtest.h"
#include "tests/distill/hand_feature_math.h"

namespace kdbench {
namespace {

const torch::Tensor& Mask() {
  static const torch::Tensor mask = torch::tensor({{1, 1, 0}, {1, 1, 1}}).to(torch::kBool);
  return mask;
}

TEST(UniformLayerMapTest, MapsEveryStudentLayerToEveryKthTeacherLayer) {
  EXPECT_EQ(*UniformLayerMap(2, 4), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(*UniformLayerMap(3, 12), (std::vector<int64_t>{4, 8, 12}));
  EXPECT_EQ(*UniformLayerMap(2, 2), (std::vector<int64_t>{1, 2}));
  for (auto [m, n] : std::vector<std::pair<int64_t, int64_t>>{{3, 4}, {5, 4}, {0, 4}}) {
    absl::StatusOr<std::vector<int64_t>> map = UniformLayerMap(m, n);
    ASSERT_FALSE(map.ok()) << m << " " << n;
    EXPECT_NE(map.status().message().find("must divide"), std::string::npos);
  }
}

TEST(FeatureMatchingTest, MaskedMseCountsRealTokensOnly) {
  torch::manual_seed(1);
  torch::Tensor s = torch::randn({2, 3, 4}), t = torch::randn({2, 3, 4});
  EXPECT_NEAR(MaskedMse(s, t, Mask()).item<double>(), HandMaskedMse(s, t, Mask()), 1e-6);
  // What padding holds does not matter.
  torch::Tensor changed = s.clone();
  changed[0][2] = 100;
  EXPECT_NEAR(MaskedMse(changed, t, Mask()).item<double>(), MaskedMse(s, t, Mask()).item<double>(),
              1e-6);
}

TEST(FeatureMatchingTest, MaskedPairMseCountsRealPairsOfEveryHead) {
  torch::manual_seed(2);
  torch::Tensor s = torch::randn({2, 2, 3, 3}), t = torch::randn({2, 2, 3, 3});
  EXPECT_NEAR(MaskedPairMse(s, t, Mask()).item<double>(), HandPairMse(s, t, Mask()), 1e-6);
}

TEST(FeatureMatchingTest, RowSoftmaxKlAveragesOverHeadsAndRealQueries) {
  torch::manual_seed(3);
  torch::Tensor s = torch::randn({2, 2, 3, 3}), t = torch::randn({2, 2, 3, 3}) * 2;
  EXPECT_NEAR(RowSoftmaxKl(s, t, Mask()).item<double>(), HandRowKl(s, t, Mask()), 1e-6);
  EXPECT_NEAR(RowSoftmaxKl(t, t, Mask()).item<double>(), 0, 1e-7);
  // Finite gradients although padded rows and keys are in the tensors.
  torch::Tensor grad_s = s.clone().requires_grad_(true);
  RowSoftmaxKl(grad_s, t, Mask()).backward();
  EXPECT_TRUE(torch::isfinite(grad_s.grad()).all().item<bool>());
  EXPECT_EQ(grad_s.grad()[0].select(1, 2).abs().sum().item<double>(), 0);  // padded query
}

TEST(FeatureMatchingTest, ValueRelationScoresAreScaledDotProducts) {
  torch::manual_seed(4);
  torch::Tensor v = torch::randn({2, 2, 3, 4});
  EXPECT_TRUE(torch::allclose(ValueRelationScores(v).to(torch::kDouble), HandValueRelation(v),
                              1e-5, 1e-6));
}

TEST(FeatureMatchingTest, ShapeChecksNameTheLossAndWhatDiffers) {
  EXPECT_TRUE(CheckFeatureDistillationShapes({2, 4, 128}, {4, 4, 256}, "x").ok());
  absl::Status no_student = CheckFeatureDistillationShapes({}, {4, 4, 256}, "minilm-relations");
  EXPECT_NE(no_student.message().find("minilm-relations"), std::string::npos);
  EXPECT_NE(no_student.message().find("--student=transformer"), std::string::npos);
  absl::Status heads = CheckFeatureDistillationShapes({2, 2, 128}, {4, 4, 256}, "x");
  EXPECT_NE(heads.message().find("the student has 2 heads, the teacher 4"), std::string::npos);
  EXPECT_FALSE(CheckFeatureDistillationShapes({2, 4, 128}, {}, "x").ok());
}

}  // namespace
}  // namespace kdbench
