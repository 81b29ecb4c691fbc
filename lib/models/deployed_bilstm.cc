#include "lib/models/deployed_bilstm.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <array>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kdbench {
namespace {

at::Tensor FloatCopy(const at::Tensor& tensor) {
  return tensor.detach().to(at::kCPU, at::kFloat).contiguous().clone();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DeployedBiLstm>> DeployedBiLstm::Create(
    const BiLstmStudentImpl& student, InferencePrecision precision) {
  std::unique_ptr<DeployedBiLstm> deployed(new DeployedBiLstm());
  deployed->precision_ = precision;
  deployed->pooling_ = student.options.pooling();
  deployed->embedding_ = FloatCopy(student.embedding->weight);
  // int8 scales the inputs by the largest embedding value (see PackedLstm).
  const float input_range =
      std::max(deployed->embedding_.abs().max().item<float>(), 1e-6f);
  std::array<std::unique_ptr<PackedLstm>*, 2> targets = {&deployed->forward_,
                                                         &deployed->backward_};
  std::array<const torch::nn::LSTM*, 2> sources = {&student.lstm_forward,
                                                   &student.lstm_backward};
  for (int direction = 0; direction < 2; ++direction) {
    const std::vector<at::Tensor> weights =
        (*sources[direction])->all_weights();
    PackedLstmOptions options;
    options.weight_ih = weights[0];
    options.weight_hh = weights[1];
    options.bias_ih = weights[2];
    options.bias_hh = weights[3];
    options.direction = direction == 0
                            ? PackedLstmOptions::Direction::kLeftToRight
                            : PackedLstmOptions::Direction::kRightToLeft;
    options.precision = precision;
    options.input_range = input_range;
    absl::StatusOr<std::unique_ptr<PackedLstm>> packed =
        PackedLstm::Create(options);
    if (!packed.ok()) return packed.status();
    *targets[direction] = std::move(*packed);
  }
  if (student.options.head_width() > 0) {
    deployed->head_weight_ = FloatCopy(student.head->weight);
    deployed->head_bias_ = FloatCopy(student.head->bias);
  }
  deployed->classifier_weight_ = FloatCopy(student.classifier->weight);
  deployed->classifier_bias_ = FloatCopy(student.classifier->bias);
  return deployed;
}

absl::StatusOr<std::vector<float>> DeployedBiLstm::Logits(
    absl::Span<const int32_t> ids) {
  const int64_t time = static_cast<int64_t>(ids.size());
  const int64_t dim = embedding_.size(1);
  const int64_t hidden = forward_->hidden_size();
  const int64_t vocab = embedding_.size(0);
  at::Tensor features = at::zeros({1, 2 * hidden}, at::kFloat);
  if (time > 0) {
    input_.resize(time * dim);
    forward_out_.resize(time * hidden);
    backward_out_.resize(time * hidden);
    const float* table = embedding_.data_ptr<float>();
    for (int64_t t = 0; t < time; ++t) {
      if (ids[t] < 0 || ids[t] >= vocab) {
        return absl::InvalidArgumentError(
            absl::StrCat("DeployedBiLstm: token id ", ids[t], " at position ",
                         t, " is outside the vocabulary of ", vocab));
      }
      std::copy_n(table + ids[t] * dim, dim, input_.data() + t * dim);
    }
    // The two directions at once when LibTorch may use two threads.
    std::array<absl::Status, 2> statuses;
    at::parallel_for(0, 2, 1, [&](int64_t begin, int64_t end) {
      for (int64_t direction = begin; direction < end; ++direction) {
        PackedLstm& lstm = direction == 0 ? *forward_ : *backward_;
        std::vector<float>& out = direction == 0 ? forward_out_ : backward_out_;
        statuses[direction] = lstm.Run(input_.data(), time, out.data());
      }
    });
    for (const absl::Status& status : statuses) {
      if (!status.ok()) return status;
    }
    float* pooled = features.data_ptr<float>();
    if (pooling_ == BiLstmPooling::kLastState) {
      // The forward state after the last token; the backward one after
      // reading back to the first.
      std::copy_n(forward_out_.data() + (time - 1) * hidden, hidden, pooled);
      std::copy_n(backward_out_.data(), hidden, pooled + hidden);
    } else {
      std::fill_n(pooled, 2 * hidden, -std::numeric_limits<float>::infinity());
      for (int64_t t = 0; t < time; ++t) {
        for (int64_t unit = 0; unit < hidden; ++unit) {
          pooled[unit] =
              std::max(pooled[unit], forward_out_[t * hidden + unit]);
          pooled[hidden + unit] =
              std::max(pooled[hidden + unit], backward_out_[t * hidden + unit]);
        }
      }
    }
  }
  if (head_weight_.defined())
    features = at::gelu(at::linear(features, head_weight_, head_bias_));
  const at::Tensor logits =
      at::linear(features, classifier_weight_, classifier_bias_).contiguous();
  return std::vector<float>(logits.data_ptr<float>(),
                            logits.data_ptr<float>() + logits.numel());
}

int64_t DeployedBiLstm::RecurrentWeightBytes() const {
  return forward_->RecurrentWeightBytes() + backward_->RecurrentWeightBytes();
}

}  // namespace kdbench
