#include "benchmarks/model_cases.h"

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "lib/models/bert.h"
#include "lib/models/model_flops.h"
#include "lib/models/student_registry.h"

namespace kdbench {

std::string ModelCase::Prefix() const { return absl::StrCat(role, ":", name, "/size:", size); }

int64_t LengthFor(const ModelCase& model) { return model.size == "paper" ? 128 : 64; }

int64_t VocabFor(const ModelCase& model) {
  if (model.size == "paper") return 30522;
  return model.teacher() ? 4000 : 8000;
}

absl::StatusOr<BertConfig> TeacherConfig(const ModelCase& model) {
  BertConfig config;
  if (model.size == "mini") {
    absl::StatusOr<BertConfig> mini = TeacherSizeConfig(
        model.name == "bert-base" ? "base" : "large", VocabFor(model), LengthFor(model));
    if (!mini.ok()) return mini.status();
    config = *mini;
  } else if (model.name == "bert-large") {
    config.num_hidden_layers = 24, config.hidden_size = 1024, config.num_attention_heads = 16;
    config.intermediate_size = 4096;
  }
  config.labels = {"negative", "positive"};
  return config;
}

absl::StatusOr<BuiltModel> BuildModel(const ModelCase& model, int64_t batch, c10::Device device) {
  torch::manual_seed(0);
  const int64_t length = LengthFor(model);
  const auto on = torch::TensorOptions().device(device).dtype(torch::kLong);
  const torch::Tensor ids = torch::randint(1000, VocabFor(model), {batch, length}, on);
  BuiltModel built;
  if (model.teacher()) {
    absl::StatusOr<BertConfig> config = TeacherConfig(model);
    if (!config.ok()) return config.status();
    BertTeacher teacher(*config);
    teacher->to(device);
    const torch::Tensor mask = torch::ones({batch, length}, on);
    built.forward = [teacher, ids, mask]() mutable { return teacher->forward(ids, mask).logits; };
    built.forward_flops = BertForwardFlops(*config, batch, length, 2);
    built.parameters = CountClassifierParameters(*teacher).total;
    built.module = teacher.ptr();
    return built;
  }
  absl::StatusOr<StudentPtr> student = MakeStudent(
      {.architecture = model.name, .size = model.size, .vocab_size = VocabFor(model),
       .num_classes = 2});
  if (!student.ok()) return student.status();
  StudentPtr net = *student;
  net->to(device);
  const torch::Tensor lengths = torch::full({batch}, length, on);
  built.forward = [net, ids, lengths]() { return net->forward(ids, lengths).logits; };
  absl::StatusOr<double> flops = StudentForwardFlops(*net, batch, length);
  built.forward_flops = flops.ok() ? *flops : 0;
  for (const torch::Tensor& p : net->parameters()) built.parameters += p.numel();
  built.module = net;
  return built;
}

}  // namespace kdbench
