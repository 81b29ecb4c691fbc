#include "lib/experiment/cell_export.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// A ragged set of id sequences as one flat int64 tensor and n + 1 offsets.
void AddExamples(const std::string& name, const EncodedExamples& examples,
                 c10::Dict<std::string, at::Tensor>* tensors) {
  std::vector<int64_t> flat, offsets = {0};
  for (const std::vector<int32_t>& ids : examples.ids) {
    flat.insert(flat.end(), ids.begin(), ids.end());
    offsets.push_back(static_cast<int64_t>(flat.size()));
  }
  tensors->insert(name + "_ids", torch::tensor(flat, torch::kLong));
  tensors->insert(name + "_offsets", torch::tensor(offsets, torch::kLong));
  std::vector<int64_t> labels(examples.labels.begin(), examples.labels.end());
  tensors->insert(name + "_labels", torch::tensor(labels, torch::kLong));
}

void AddTargets(const std::string& name, const TeacherTargets& targets,
                c10::Dict<std::string, at::Tensor>* tensors) {
  const std::pair<const char*, const at::Tensor*> fields[] = {
      {"logit_targets", &targets.logit_targets},
      {"probabilities", &targets.probabilities},
      {"logits", &targets.logits},
      {"representation", &targets.representation}};
  for (const auto& [field, tensor] : fields) {
    if (tensor->defined()) {
      tensors->insert(absl::StrCat(name, "_", field),
                      tensor->to(torch::kCPU).contiguous());
    }
  }
}

}  // namespace

absl::Status ExportCell(const std::string& dir, const CellExport& cell) {
  if (cell.train == nullptr || cell.dev == nullptr || cell.test == nullptr ||
      cell.student == nullptr) {
    return absl::InvalidArgumentError(
        "ExportCell: train, dev, test and a BiLSTM student needed");
  }
  c10::Dict<std::string, at::Tensor> tensors;
  AddExamples("train", *cell.train, &tensors);
  AddExamples("dev", *cell.dev, &tensors);
  AddExamples("test", *cell.test, &tensors);
  if (cell.transfer != nullptr && cell.transfer->examples.size() > 0) {
    AddExamples("transfer", cell.transfer->examples, &tensors);
    AddTargets("transfer", cell.transfer->targets, &tensors);
  }
  if (cell.held_out != nullptr && cell.held_out->examples.size() > 0) {
    AddExamples("held_out", cell.held_out->examples, &tensors);
    AddTargets("held_out", cell.held_out->targets, &tensors);
  }
  const std::vector<char> pickled = torch::pickle_save(c10::IValue(tensors));
  RETURN_IF_ERROR(CreateDirectories(dir));
  RETURN_IF_ERROR(
      WriteFileAtomically(absl::StrCat(dir, "/tensors.pt"),
                          std::string(pickled.begin(), pickled.end())));
  const BiLstmStudentOptions& s = cell.student->options;
  nlohmann::json phases = nlohmann::json::array();
  for (const TrainingPhase& phase : cell.phases) {
    nlohmann::json losses = nlohmann::json::array();
    for (const WeightedLoss& loss : phase.losses) {
      losses.push_back({{"loss", loss.loss}, {"weight", loss.weight}});
    }
    phases.push_back({{"name", phase.name},
                      {"losses", losses},
                      {"trainable_groups", phase.trainable_groups},
                      {"max_epochs", phase.max_epochs},
                      {"patience", phase.patience},
                      {"max_steps", phase.max_steps}});
  }
  const nlohmann::json json = {
      {"format", 1},
      {"cell", cell.cell_name},
      {"student",
       {{"architecture", cell.student->architecture()},
        {"vocab_size", s.vocab_size()},
        {"num_classes", s.num_classes()},
        {"embedding_dim", s.embedding_dim()},
        {"hidden_size", s.hidden_size()},
        {"dropout", s.dropout()},
        {"recurrent_dropout", s.recurrent_dropout()},
        {"padding_idx", s.padding_idx()},
        {"head_width", s.head_width()},
        {"pooling",
         s.pooling() == BiLstmPooling::kMax ? "max" : "last-state"}}},
      {"training",
       {{"optimizer", ChoiceName(StudentOptimizerNames(), cell.optimizer)},
        {"learning_rate", cell.learning_rate},
        {"batch_size", cell.batch_size},
        {"seed", cell.seed},
        {"pad_id", cell.pad_id},
        {"teacher_width", cell.teacher_width},
        {"temperature", cell.temperature},
        {"representation_reduction",
         ChoiceName(FeatureReductionNames(), cell.representation_reduction)},
        {"phases", phases}}}};
  return WriteFileAtomically(absl::StrCat(dir, "/cell.json"), json.dump(1));
}

}  // namespace kdbench
