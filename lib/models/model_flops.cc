#include "lib/models/model_flops.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/cnn_student.h"

namespace kdbench {

double BertForwardFlops(const BertConfig& config, int64_t batch, int64_t length,
                        int64_t classes) {
  const double tokens = static_cast<double>(batch) * static_cast<double>(length);
  const double h = static_cast<double>(config.hidden_size);
  const double inner = static_cast<double>(config.intermediate_size);
  const double per_layer = tokens * (2 * 3 * h * h          // query, key, value
                                     + 2 * 2 * length * h    // scores QK^T, then scores x V
                                     + 2 * h * h             // attention output
                                     + 2 * 2 * h * inner);   // feed-forward in and out
  const double head = static_cast<double>(batch) * (2 * h * h + 2 * h * classes);
  return static_cast<double>(config.num_hidden_layers) * per_layer + head;
}

absl::StatusOr<double> StudentForwardFlops(const StudentImpl& student, int64_t batch,
                                           int64_t length) {
  const double tokens = static_cast<double>(batch) * static_cast<double>(length);
  const double examples = static_cast<double>(batch);
  if (const auto* lstm = dynamic_cast<const BiLstmStudentImpl*>(&student)) {
    const BiLstmStudentOptions& o = lstm->options;
    const double e = static_cast<double>(o.embedding_dim());
    const double h = static_cast<double>(o.hidden_size());
    // Per direction and token: the four gates from the input and the state.
    const double recurrent = 2 * tokens * 2 * 4 * h * (e + h);
    double top = 0;
    double features = 2 * h;
    if (o.head_width() > 0) {
      top += examples * 2 * features * static_cast<double>(o.head_width());
      features = static_cast<double>(o.head_width());
    }
    top += examples * 2 * features * static_cast<double>(o.num_classes());
    return recurrent + top;
  }
  if (const auto* cnn = dynamic_cast<const CnnStudentImpl*>(&student)) {
    const CnnStudentOptions& o = cnn->options;
    double convolutions = 0;
    for (int64_t width : o.window_sizes()) {
      const double positions = static_cast<double>(std::max<int64_t>(1, length - width + 1));
      convolutions += examples * positions * 2 * static_cast<double>(width) *
                      static_cast<double>(o.embedding_dim()) * static_cast<double>(o.filters());
    }
    return convolutions +
           examples * 2 * static_cast<double>(cnn->feature_size()) * o.num_classes();
  }
  return absl::UnimplementedError(
      absl::StrCat("no FLOP count for the student '", student.architecture(), "'"));
}

}  // namespace kdbench
