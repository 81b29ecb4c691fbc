// Floating-point operations of a forward pass, counted from a model's
// shapes: the matrix products (a multiply-add is 2 FLOPs), which are all
// but a few percent of the work at these sizes. Speed benchmarks divide
// them by time to report FLOP/s and the share of the machine's matmul peak.
#ifndef KDBENCH_LIB_MODELS_MODEL_FLOPS_H_
#define KDBENCH_LIB_MODELS_MODEL_FLOPS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "lib/models/bert_config.h"
#include "lib/models/student.h"

namespace kdbench {

// The classification forward pass of a BERT teacher on [batch, length]
// tokens: every layer's projections, attention scores and context, the
// feed-forward, then the pooler and a `classes`-way classifier.
double BertForwardFlops(const BertConfig& config, int64_t batch, int64_t length,
                        int64_t classes);

// A student's forward pass on [batch, length] tokens (the BiLSTM's input
// and recurrent products in both directions, the CNN's convolutions, the
// head and classifier). UnimplementedError for an unknown student class.
absl::StatusOr<double> StudentForwardFlops(const StudentImpl& student, int64_t batch,
                                           int64_t length);

// A training step: the forward pass, and a backward pass that computes
// gradients for both the inputs and the weights of each product (2x).
inline double TrainingStepFlops(double forward_flops) { return 3 * forward_flops; }

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_MODEL_FLOPS_H_
