// The BiLSTM student (and the "RNN" baseline, its last-state pooling) as it
// would be served: one example at a time, no padding, each direction a
// PackedLstm (oneDNN's packed, fused LSTM; lib/models/packed_lstm.h) in
// float32, bfloat16 or int8, the two directions on two threads when
// LibTorch's thread count allows. Pooling, the optional shared head and the
// classifier stay float32. Built from a trained BiLstmStudent, whose float32
// logits the float32 path reproduces to rounding
// (tests/models/deployed_bilstm_test.cc).
#ifndef KDBENCH_LIB_MODELS_DEPLOYED_BILSTM_H_
#define KDBENCH_LIB_MODELS_DEPLOYED_BILSTM_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/inference_precision.h"
#include "lib/models/packed_lstm.h"

namespace kdbench {

class DeployedBiLstm {
 public:
  // Copies and packs the student's weights; the student may change or go
  // afterwards. An error (Unimplemented) when the CPU has no kernel for the
  // precision.
  static absl::StatusOr<std::unique_ptr<DeployedBiLstm>> Create(
      const BiLstmStudentImpl& student, InferencePrecision precision);

  // One example's token ids, without padding (empty is allowed: zero
  // features, as the student). Returns the logits, [num_classes].
  absl::StatusOr<std::vector<float>> Logits(absl::Span<const int32_t> ids);

  InferencePrecision precision() const { return precision_; }
  // Both directions' packed recurrent weights, the bytes a time step streams.
  int64_t RecurrentWeightBytes() const;
  std::string KernelDescription() const {
    return forward_->KernelDescription();
  }

 private:
  DeployedBiLstm() = default;

  InferencePrecision precision_ = InferencePrecision::kFloat32;
  BiLstmPooling pooling_ = BiLstmPooling::kMax;
  at::Tensor embedding_;  // [vocab, dim] float32
  std::unique_ptr<PackedLstm> forward_, backward_;
  at::Tensor head_weight_, head_bias_;  // undefined without the shared head
  at::Tensor classifier_weight_, classifier_bias_;
  // Per call, reused: embedded input [time, dim], each direction's outputs.
  std::vector<float> input_, forward_out_, backward_out_;
};

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_DEPLOYED_BILSTM_H_
