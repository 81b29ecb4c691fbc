// The models the speed benchmarks time and the instruction-count workloads
// count: teachers and students at the mini profile's sizes and the paper's,
// built the same way for both, on random full-length token ids.
#ifndef KDBENCH_BENCHMARKS_MODEL_CASES_H_
#define KDBENCH_BENCHMARKS_MODEL_CASES_H_

#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/models/bert_config.h"

namespace kdbench {

struct ModelCase {
  std::string role;  // "teacher" or "student"
  std::string name;  // bert-base, bert-large, bilstm, rnn, cnn
  std::string size;  // mini or paper

  bool teacher() const { return role == "teacher"; }
  // "teacher:bert-base/size:mini": the start of every benchmark name.
  std::string Prefix() const;
};

int64_t LengthFor(const ModelCase& model);
int64_t VocabFor(const ModelCase& model);
absl::StatusOr<BertConfig> TeacherConfig(const ModelCase& model);

// A model on `device` with its input: `forward()` runs it on `batch` random
// token ids of full length (seeded, so every build gives the same ids).
struct BuiltModel {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor()> forward;  // logits
  double forward_flops = 0;
  int64_t parameters = 0;
};
absl::StatusOr<BuiltModel> BuildModel(const ModelCase& model, int64_t batch, c10::Device device);

}  // namespace kdbench

#endif  // KDBENCH_BENCHMARKS_MODEL_CASES_H_
