// The pieces feature distillation between two transformers is made of
// (TinyBERT, Jiao et al. 2020; MiniLM, Wang et al. 2020), on batches where
// student and teacher read the same [CLS] ... [SEP] sequences. Padding never
// counts: every average runs over real tokens (or real query-key pairs).
#ifndef KDBENCH_LIB_DISTILL_FEATURE_MATCHING_H_
#define KDBENCH_LIB_DISTILL_FEATURE_MATCHING_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/models/transformer_internals.h"

namespace kdbench {

// Both sides are transformers with as many attention heads (matched head by
// head); else an error naming `loss` and what differs.
absl::Status CheckFeatureDistillationShapes(const TransformerShape& student,
                                            const TransformerShape& teacher,
                                            const std::string& loss);

// TinyBERT's uniform mapping: student layer m (1..M) learns from teacher
// layer m * N / M. Needs 1 <= M <= N and M dividing N.
absl::StatusOr<std::vector<int64_t>> UniformLayerMap(int64_t student_layers,
                                                     int64_t teacher_layers);

// Mean squared error over the real tokens of `mask` [batch, time] and every
// feature: student, teacher [batch, time, width].
at::Tensor MaskedMse(const at::Tensor& student, const at::Tensor& teacher, const at::Tensor& mask);

// Mean squared error between attention scores [batch, heads, time, time]
// over the pairs of real tokens (query and key), every head.
at::Tensor MaskedPairMse(const at::Tensor& student, const at::Tensor& teacher,
                         const at::Tensor& mask);

// KL(softmax(teacher) || softmax(student)) per row of scores [batch, heads,
// time, time], both softmaxes over the real keys, averaged over heads and
// real query tokens (MiniLM's 1 / (A_h |x|) sum).
at::Tensor RowSoftmaxKl(const at::Tensor& student_scores, const at::Tensor& teacher_scores,
                        const at::Tensor& mask);

// MiniLM's value relation scores: V V^T / sqrt(head size), [batch, heads,
// time, time] from values [batch, heads, time, head size].
at::Tensor ValueRelationScores(const at::Tensor& values);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_FEATURE_MATCHING_H_
