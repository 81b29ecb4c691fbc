#include "lib/distill/student_training.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/data/length_batching.h"
#include "lib/distill/adadelta.h"
#include "lib/distill/early_stopping.h"
#include "lib/distill/fresh_gradients.h"
#include "lib/distill/learning_rate_schedule.h"
#include "lib/distill/paired_batches.h"
#include "lib/distill/transfer_loss.h"
#include "lib/util/status_macros.h"
#include "lib/text/sequence_encoding.h"

namespace kdbench {
namespace {

// The student and the heads its losses train, as one module so that model
// selection snapshots and restores them together.
struct Trainee {
  std::shared_ptr<torch::nn::Module> module = std::make_shared<torch::nn::Module>();
  StudentPtr student;
  // One instance per loss and parameters, shared by the phases that use it.
  std::map<std::string, TransferLossPtr> losses;
  std::vector<LayerGroup> groups;
};

// The key of a loss instance: its name and parameters.
std::string LossKey(const WeightedLoss& loss) {
  std::string key = loss.loss;
  for (const auto& [name, value] : loss.parameters) absl::StrAppend(&key, ",", name, "=", value);
  return key;
}

struct StepInputs {
  torch::Tensor ids, lengths;
};

StepInputs ToDevice(const PaddedBatch& padded, const c10::Device& device) {
  return {padded.ids.to(device), padded.lengths.to(device)};
}

torch::Tensor Rows(const torch::Tensor& table, const std::vector<int64_t>& rows,
                   const c10::Device& device) {
  return table.index_select(0, torch::tensor(rows, torch::kLong)).to(device);
}

// Adds a step's weighted loss term to its running sum, in double precision.
void AddTerm(std::map<std::string, torch::Tensor>* sums, const std::string& term,
             const torch::Tensor& weighted) {
  torch::Tensor value = weighted.detach().to(torch::kDouble, /*non_blocking=*/false, /*copy=*/true);
  auto [it, inserted] = sums->try_emplace(term, value);
  if (!inserted) it->second.add_(value);
}

// The phase's unlabeled losses on a transfer batch, weighted and summed;
// with `term_sums`, each weighted term's value is added to it by loss key
// (as a detached tensor: reading it every step would sync a GPU per term).
torch::Tensor TransferLoss(Trainee& trainee, const TrainingPhase& phase, const TransferSet& set,
                           const std::vector<int64_t>& batch, int32_t pad_id,
                           const StudentTrainingOptions& options, const c10::Device& device,
                           std::map<std::string, torch::Tensor>* term_sums = nullptr) {
  StepInputs inputs = ToDevice(set.examples.Pad(batch, pad_id), device);
  StudentOutputs outputs =
      StudentForward(*trainee.student, inputs.ids, inputs.lengths, options.precision);
  torch::Tensor total = torch::zeros({}, outputs.logits.options());
  TeacherTargets teacher;  // the batch's rows of what the losses read
  for (const WeightedLoss& loss : phase.losses) {
    if (loss.loss == kCrossEntropyLoss) continue;
    TransferLossImpl& transfer_loss = *trainee.losses.at(LossKey(loss));
    if (transfer_loss.ReadsTeacherLayers() && teacher.layers.empty()) {
      teacher.layers = set.teacher_layers(inputs.ids, inputs.lengths);
    }
    for (TeacherTarget target : transfer_loss.Targets()) {
      torch::Tensor& rows = teacher.Get(target);
      if (!rows.defined()) rows = Rows(set.targets.Get(target), batch, device);
    }
    torch::Tensor weighted = loss.weight * transfer_loss.forward(outputs, teacher);
    if (term_sums != nullptr) AddTerm(term_sums, LossKey(loss), weighted);
    total = total + weighted;
  }
  return total;
}

double CrossEntropyWeight(const TrainingPhase& phase) {
  double weight = 0;
  for (const WeightedLoss& loss : phase.losses) {
    if (loss.loss == kCrossEntropyLoss) weight += loss.weight;
  }
  return weight;
}

// Mean transfer loss over `set` in eval mode.
double HeldOutTransferLoss(Trainee& trainee, const TrainingPhase& phase, const TransferSet& set,
                           int32_t pad_id, const StudentTrainingOptions& options,
                           const c10::Device& device) {
  torch::NoGradGuard no_grad;
  trainee.module->eval();
  double sum = 0;
  for (const auto& batch : LengthBucketedBatches(
           set.examples.Lengths(), {.batch_size = options.batch_size, .shuffle = false})) {
    sum += TransferLoss(trainee, phase, set, batch, pad_id, options, device).item<double>() *
           static_cast<double>(batch.size());
  }
  trainee.module->train();
  return sum / static_cast<double>(std::max<int64_t>(set.examples.size(), 1));
}

absl::Status CheckTargets(const TrainingPhase& phase, const Trainee& trainee,
                          const TransferSet* set, const char* which) {
  if (set == nullptr || set->examples.size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("phase \"", phase.name, "\" needs a non-empty ", which));
  }
  for (const WeightedLoss& loss : phase.losses) {
    if (loss.loss == kCrossEntropyLoss) continue;
    const TransferLossImpl& transfer_loss = *trainee.losses.at(LossKey(loss));
    if (transfer_loss.ReadsTeacherLayers()) {
      if (trainee.student->transformer_shape().layers == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "phase \"", phase.name, "\": ", loss.loss, " matches transformer layers, and the ",
            trainee.student->architecture(), " student has none; use --student=transformer"));
      }
      if (!set->teacher_layers) {
        return absl::InvalidArgumentError(absl::StrCat(
            "phase \"", phase.name, "\": ", loss.loss, " needs the teacher's layers for the ",
            which, ", and no teacher is given to compute them"));
      }
    }
    for (TeacherTarget target : transfer_loss.Targets()) {
      const torch::Tensor& needed = set->targets.Get(target);
      if (!needed.defined() || needed.size(0) != set->examples.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "phase \"", phase.name, "\": the ", which, " lacks the teacher's ",
            TeacherTargetName(target), " for ", loss.loss, " (one row per example)"));
      }
    }
  }
  return absl::OkStatus();
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const std::vector<torch::Tensor>& parameters,
                                                       const StudentTrainingOptions& options) {
  if (options.optimizer == StudentOptimizer::kAdam) {
    return std::make_unique<torch::optim::Adam>(
        parameters, torch::optim::AdamOptions(options.learning_rate > 0 ? options.learning_rate
                                                                        : 1e-3));
  }
  AdadeltaOptions adadelta;
  if (options.learning_rate > 0) adadelta.lr(options.learning_rate);
  return std::make_unique<Adadelta>(parameters, adadelta);
}

}  // namespace

StudentOutputs StudentForward(StudentImpl& student, const torch::Tensor& input_ids,
                              const torch::Tensor& lengths, TrainingPrecision precision) {
  AutocastScope autocast(input_ids.device().type(), precision);
  StudentOutputs outputs = student.forward(input_ids, lengths);
  if (autocast.active()) {
    // The losses read float32, as the teacher's outputs are; a transformer
    // student's internals too (feature losses match them outside autocast).
    auto to_float = [](torch::Tensor& tensor) {
      if (tensor.defined()) tensor = tensor.to(torch::kFloat32);
    };
    to_float(outputs.features);
    to_float(outputs.logits);
    TransformerInternals& layers = outputs.layers;
    for (auto* list : {&layers.hidden_states, &layers.attention_scores, &layers.attentions,
                       &layers.values}) {
      for (torch::Tensor& tensor : *list) to_float(tensor);
    }
  }
  return outputs;
}

ClassifierEvaluation EvaluateStudent(StudentImpl& student, const EncodedExamples& examples,
                                     int32_t pad_id, int64_t batch_size,
                                     const c10::Device& device, TrainingPrecision precision) {
  const bool was_training = student.is_training();
  student.eval();
  ClassifierEvaluation evaluation =
      EvaluateClassifier(examples, pad_id, batch_size, [&](const PaddedBatch& batch) {
        return StudentForward(student, batch.ids.to(device), batch.lengths.to(device), precision)
            .logits;
      });
  student.train(was_training);
  return evaluation;
}

const NamedChoices<StudentOptimizer>& StudentOptimizerNames() {
  static const auto* names = new NamedChoices<StudentOptimizer>{
      {StudentOptimizer::kAdadelta, "adadelta"}, {StudentOptimizer::kAdam, "adam"}};
  return *names;
}

absl::StatusOr<StudentTrainingReport> TrainStudent(const StudentPtr& student,
                                                   const std::vector<TrainingPhase>& phases,
                                                   const StudentTrainingData& data,
                                                   int64_t teacher_width, int32_t pad_id,
                                                   const StudentTrainingOptions& options,
                                                   const c10::Device& device) {
  if (data.labeled == nullptr || data.dev == nullptr || data.labeled->size() == 0 ||
      data.dev->size() == 0) {
    return absl::InvalidArgumentError("student training needs non-empty labeled and dev sets");
  }
  for (const EncodedExamples* set : {data.labeled, data.dev}) {
    for (int32_t label : set->labels) {
      if (label < 0 || label >= student->num_classes()) {
        return absl::InvalidArgumentError(absl::StrCat("label ", label, " outside the student's ",
                                                       student->num_classes(), " classes"));
      }
    }
  }
  if (options.representation_without_projection && teacher_width > 0 &&
      student->feature_size() != teacher_width) {
    return absl::InvalidArgumentError(absl::StrCat(
        "L_RL without a projection needs the student's features (", student->feature_size(),
        ") at the teacher's width (", teacher_width, ")"));
  }

  torch::manual_seed(options.seed);
  Trainee trainee;
  trainee.student = student;
  trainee.module->register_module("student", student);
  const TransferLossSettings settings{
      .feature_size = student->feature_size(),
      .num_classes = student->num_classes(),
      .teacher_width = teacher_width,
      .temperature = options.temperature,
      .representation_reduction = options.representation_reduction,
      .representation_projection = !options.representation_without_projection,
      .student_transformer = student->transformer_shape(),
      .teacher_transformer = options.teacher_transformer};
  // L_LL's and L_RL's heads are built first and always, as before the loss
  // registry, so that a seed draws the same initial weights and dropout
  // masks as it did then; the phases' other losses follow in order.
  std::vector<WeightedLoss> to_build = {{.loss = "L_LL"}};
  if (teacher_width > 0) to_build.push_back({.loss = "L_RL"});
  for (const TrainingPhase& phase : phases) {
    for (const WeightedLoss& loss : phase.losses) {
      if (loss.loss != kCrossEntropyLoss) to_build.push_back(loss);
    }
  }
  std::vector<TransferLossPtr> built_in_order;
  for (const WeightedLoss& loss : to_build) {
    const std::string key = LossKey(loss);
    if (trainee.losses.count(key) != 0) continue;
    TransferLossSettings loss_settings = settings;
    loss_settings.parameters = loss.parameters;
    ASSIGN_OR_RETURN(TransferLossPtr built, MakeTransferLoss(loss.loss, loss_settings));
    trainee.module->register_module(absl::StrCat("loss", trainee.losses.size()), built);
    trainee.losses[key] = built;
    built_in_order.push_back(built);
  }
  for (const TrainingPhase& phase : phases) {
    if (phase.UsesTransferSet()) {
      RETURN_IF_ERROR(CheckTargets(phase, trainee, data.transfer, "transfer set"));
    }
    if (!phase.UsesLabels()) {
      RETURN_IF_ERROR(CheckTargets(phase, trainee, data.transfer_held_out, "held-out transfer slice"));
    }
  }
  trainee.module->to(device);
  trainee.groups = student->LayerGroups();
  // The losses' heads train with the topmost group.
  for (const TransferLossPtr& loss : built_in_order) {
    for (const auto& parameter : loss->parameters()) {
      trainee.groups.back().parameters.push_back(parameter);
    }
  }
  std::vector<std::string> group_names;
  for (const LayerGroup& group : trainee.groups) group_names.push_back(group.name);

  StudentTrainingReport report;
  const auto start = std::chrono::steady_clock::now();
  double training_seconds = 0;
  int64_t padded_cells = 0, real_cells = 0;
  const std::vector<int64_t> labeled_lengths = data.labeled->Lengths();
  const std::vector<int64_t> transfer_lengths =
      data.transfer != nullptr ? data.transfer->examples.Lengths() : std::vector<int64_t>{};
  auto count_padding = [&](const std::vector<int64_t>& lengths,
                           const std::vector<int64_t>& batch) {
    int64_t longest = 0;
    for (int64_t index : batch) {
      longest = std::max(longest, lengths[index]);
      real_cells += lengths[index];
    }
    padded_cells += longest * static_cast<int64_t>(batch.size());
  };

  for (size_t phase_index = 0; phase_index < phases.size(); ++phase_index) {
    const TrainingPhase& phase = phases[phase_index];
    // Freeze what this phase does not train.
    std::vector<torch::Tensor> trainable;
    for (const LayerGroup& group : trainee.groups) {
      const bool trains =
          phase.trainable_groups.empty() ||
          std::find(phase.trainable_groups.begin(), phase.trainable_groups.end(), group.name) !=
              phase.trainable_groups.end();
      for (const auto& parameter : group.parameters) {
        parameter.set_requires_grad(trains);
        if (trains) trainable.push_back(parameter);
      }
    }
    for (const std::string& name : phase.trainable_groups) {
      if (std::find(group_names.begin(), group_names.end(), name) == group_names.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("phase \"", phase.name, "\" names layer group \"", name,
                         "\"; the student has: ", absl::StrJoin(group_names, ", ")));
      }
    }
    std::unique_ptr<torch::optim::Optimizer> optimizer = MakeOptimizer(trainable, options);
    const double cross_entropy_weight = CrossEntropyWeight(phase);
    const bool uses_labels = phase.UsesLabels();
    const bool uses_transfer = phase.UsesTransferSet();
    PhaseReport phase_report{.name = phase.name, .selected_on_transfer_loss = !uses_labels};
    EarlyStopping stopping(phase.patience);
    if (options.progress) {
      std::fprintf(stderr, "phase %zu/%zu: %s\n", phase_index + 1, phases.size(),
                   phase.name.c_str());
    }
    for (int64_t epoch = 0; epoch < phase.max_epochs; ++epoch) {
      if (options.cosine_restarts) {
        SetLearningRate(*optimizer, CosineWarmRestarts(epoch, options.learning_rate > 0
                                                                  ? options.learning_rate
                                                                  : 1e-3,
                                                       1e-8, 50, 2));
      }
      trainee.module->train();
      const uint64_t batch_seed = options.seed * 1000003 + phase_index * 1009 + epoch;
      std::vector<PairedBatch> steps;
      if (uses_transfer) {
        if (uses_labels) {
          steps = PairedBatches(labeled_lengths, transfer_lengths, options.batch_size, batch_seed);
        } else {
          for (auto& batch : LengthBucketedBatches(
                   transfer_lengths, {.batch_size = options.batch_size, .seed = batch_seed})) {
            steps.push_back({.labeled = {}, .transfer = std::move(batch)});
          }
        }
      } else {
        for (auto& batch : LengthBucketedBatches(
                 labeled_lengths, {.batch_size = options.batch_size, .seed = batch_seed})) {
          steps.push_back({.labeled = std::move(batch), .transfer = {}});
        }
      }
      const auto epoch_start = std::chrono::steady_clock::now();
      double loss_sum = 0;
      std::map<std::string, torch::Tensor> term_sums;  // read once per epoch
      size_t steps_taken = 0;
      for (const PairedBatch& step : steps) {
        // The cap ends the epoch here; the check after it ends the phase.
        if (phase.max_steps > 0 && phase_report.steps >= phase.max_steps) break;
        ++phase_report.steps;
        ++steps_taken;
        FreshGradients gradients(*optimizer);
        torch::Tensor loss = torch::zeros({}, torch::TensorOptions().device(device));
        if (!step.labeled.empty()) {
          StepInputs inputs = ToDevice(data.labeled->Pad(step.labeled, pad_id), device);
          torch::Tensor logits =
              StudentForward(*student, inputs.ids, inputs.lengths, options.precision).logits;
          torch::Tensor weighted_ce =
              cross_entropy_weight *
              CrossEntropyLoss(logits, data.labeled->LabelTensor(step.labeled).to(device));
          AddTerm(&term_sums, kCrossEntropyLoss, weighted_ce);
          loss = loss + weighted_ce;
          count_padding(labeled_lengths, step.labeled);
        }
        if (!step.transfer.empty()) {
          loss = loss + TransferLoss(trainee, phase, *data.transfer, step.transfer, pad_id,
                                     options, device, &term_sums);
          count_padding(transfer_lengths, step.transfer);
        }
        gradients.Backward(loss);
        optimizer->step();
        loss_sum += loss.item<double>();
        report.trained_examples += static_cast<int64_t>(step.labeled.size() + step.transfer.size());
      }
      training_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start).count();
      if (options.after_epoch) options.after_epoch(phase_index, epoch);
      phase_report.train_loss.push_back(loss_sum / static_cast<double>(std::max<size_t>(steps_taken, 1)));
      for (const auto& [term, sum] : term_sums) {
        phase_report.weighted_term_loss[term].push_back(
            sum.item<double>() / static_cast<double>(std::max<size_t>(steps_taken, 1)));
      }
      double accuracy = 0, selection_loss = 0;
      if (uses_labels) {
        ClassifierEvaluation evaluation =
            EvaluateStudent(*student, *data.dev, pad_id, options.batch_size, device,
                            options.precision);
        accuracy = evaluation.accuracy;
        selection_loss = evaluation.mean_loss;
        phase_report.selection_value.push_back(accuracy);
      } else {
        selection_loss =
            HeldOutTransferLoss(trainee, phase, *data.transfer_held_out, pad_id, options, device);
        phase_report.selection_value.push_back(selection_loss);
      }
      phase_report.epochs_run = epoch + 1;
      if (options.progress) {
        if (uses_labels) {
          std::fprintf(stderr, "  epoch %lld: train loss %.4f, dev accuracy %.4f, dev loss %.4f\n",
                       static_cast<long long>(epoch + 1), phase_report.train_loss.back(), accuracy,
                       selection_loss);
        } else {
          std::fprintf(stderr, "  epoch %lld: train loss %.4f, held-out transfer loss %.4f\n",
                       static_cast<long long>(epoch + 1), phase_report.train_loss.back(),
                       selection_loss);
        }
      }
      if (stopping.Update(epoch + 1, accuracy, selection_loss, *trainee.module)) break;
      if (phase.max_steps > 0 && phase_report.steps >= phase.max_steps) {
        phase_report.step_cap_reached = true;
        break;
      }
    }
    stopping.RestoreBest(*trainee.module);
    phase_report.best_epoch = stopping.best_epoch();
    report.phases.push_back(std::move(phase_report));
  }
  for (const LayerGroup& group : trainee.groups) {
    for (const auto& parameter : group.parameters) parameter.set_requires_grad(true);
  }
  report.dev_accuracy =
      EvaluateStudent(*student, *data.dev, pad_id, options.batch_size, device, options.precision)
          .accuracy;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.examples_per_second =
      training_seconds > 0 ? static_cast<double>(report.trained_examples) / training_seconds : 0;
  report.padding_share =
      padded_cells > 0 ? 1.0 - static_cast<double>(real_cells) / static_cast<double>(padded_cells)
                       : 0;
  return report;
}

}  // namespace kdbench
