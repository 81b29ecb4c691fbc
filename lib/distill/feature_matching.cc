#include "lib/distill/feature_matching.h"

#include <torch/torch.h>

#include <cmath>

#include "absl/strings/str_cat.h"

namespace kdbench {
namespace {

// [batch, 1, time, time]: true where query and key are both real tokens.
torch::Tensor PairMask(const torch::Tensor& mask) {
  torch::Tensor real = mask.to(torch::kBool);
  return (real.unsqueeze(2) & real.unsqueeze(1)).unsqueeze(1);
}

}  // namespace

absl::Status CheckFeatureDistillationShapes(const TransformerShape& student,
                                            const TransformerShape& teacher,
                                            const std::string& loss) {
  if (student.layers == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        loss, " matches a transformer student's layers with the teacher's; this student has "
              "none (use --student=transformer)"));
  }
  if (teacher.layers == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(loss, " needs a single BERT teacher's layers (not an ensemble)"));
  }
  if (student.heads != teacher.heads) {
    return absl::InvalidArgumentError(absl::StrCat(
        loss, " matches attention head by head: the student has ", student.heads,
        " heads, the teacher ", teacher.heads));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> UniformLayerMap(int64_t student_layers,
                                                     int64_t teacher_layers) {
  if (student_layers < 1 || student_layers > teacher_layers ||
      teacher_layers % student_layers != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "uniform layer mapping: the student's ", student_layers,
        " layers must divide the teacher's ", teacher_layers));
  }
  std::vector<int64_t> map;
  for (int64_t m = 1; m <= student_layers; ++m) map.push_back(m * teacher_layers / student_layers);
  return map;
}

at::Tensor MaskedMse(const torch::Tensor& student, const torch::Tensor& teacher,
                     const torch::Tensor& mask) {
  torch::Tensor weight = mask.to(student.dtype()).unsqueeze(-1);
  const torch::Tensor count = weight.sum() * student.size(-1);
  return ((student - teacher).pow(2) * weight).sum() / count.clamp_min(1);
}

at::Tensor MaskedPairMse(const torch::Tensor& student, const torch::Tensor& teacher,
                         const torch::Tensor& mask) {
  torch::Tensor weight = PairMask(mask).to(student.dtype());
  const torch::Tensor count = weight.sum() * student.size(1);
  return ((student - teacher).pow(2) * weight).sum() / count.clamp_min(1);
}

at::Tensor RowSoftmaxKl(const torch::Tensor& student_scores, const torch::Tensor& teacher_scores,
                        const torch::Tensor& mask) {
  torch::Tensor keys = mask.to(torch::kBool).unsqueeze(1).unsqueeze(2);  // [b, 1, 1, t]
  // A large finite negative rather than -inf: rows of padding queries stay
  // finite and are dropped below.
  auto log_softmax = [&](const torch::Tensor& scores) {
    return torch::log_softmax(scores.masked_fill(~keys, -1e9), -1);
  };
  torch::Tensor log_student = log_softmax(student_scores);
  torch::Tensor log_teacher = log_softmax(teacher_scores);
  torch::Tensor terms = log_teacher.exp() * (log_teacher - log_student);
  terms = torch::where(PairMask(mask), terms, torch::zeros_like(terms));
  const torch::Tensor rows =
      mask.to(student_scores.dtype()).sum() * static_cast<double>(student_scores.size(1));
  return terms.sum() / rows.clamp_min(1);
}

at::Tensor ValueRelationScores(const torch::Tensor& values) {
  return torch::matmul(values, values.transpose(-1, -2)) /
         std::sqrt(static_cast<double>(values.size(-1)));
}

}  // namespace kdbench
