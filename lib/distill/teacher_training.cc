#include "lib/distill/teacher_training.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/data/length_batching.h"
#include "lib/distill/distillation_losses.h"
#include "lib/distill/early_stopping.h"
#include "lib/distill/fresh_gradients.h"
#include "lib/distill/learning_rate_schedule.h"
#include "lib/models/mlm_masking.h"
#include "lib/text/sequence_encoding.h"
#include "lib/util/progress.h"

namespace kdbench {
namespace {

// AdamW with BERT's exclusions from weight decay (biases, LayerNorm).
std::unique_ptr<torch::optim::AdamW> MakeOptimizer(torch::nn::Module& model,
                                                   const OptimizerSettings& settings) {
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& item : model.named_parameters()) {
    const bool exempt = absl::EndsWith(item.key(), "bias") || absl::StrContains(item.key(), "LayerNorm");
    (exempt ? no_decay : decay).push_back(item.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(settings.learning_rate)
                                     .weight_decay(settings.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                    torch::optim::AdamWOptions(settings.learning_rate).weight_decay(0)));
  return std::make_unique<torch::optim::AdamW>(groups);
}

}  // namespace

absl::StatusOr<PretrainReport> PretrainMaskedLm(BertTeacher& teacher,
                                                const EncodedExamples& transfer,
                                                int32_t mask_id, int32_t pad_id, int32_t cls_id,
                                                int32_t sep_id, const PretrainOptions& options,
                                                const c10::Device& device) {
  if (transfer.size() == 0) return absl::InvalidArgumentError("empty transfer set");
  torch::manual_seed(options.seed);
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  teacher->to(device);
  teacher->train();
  auto optimizer = MakeOptimizer(*teacher, options.optimizer);
  const std::vector<int64_t> lengths = transfer.Lengths();
  const int64_t batches_per_epoch =
      (transfer.size() + options.batch_size - 1) / options.batch_size;
  const int64_t total_steps = batches_per_epoch * options.epochs;
  const auto warmup =
      static_cast<int64_t>(std::llround(options.optimizer.warmup_fraction * total_steps));
  MlmMaskingOptions masking;
  masking.mask_id = mask_id;
  masking.pad_id = pad_id;
  masking.cls_id = cls_id;
  masking.sep_id = sep_id;
  masking.vocab_size = teacher->config().vocab_size;

  PretrainReport report;
  const auto start = std::chrono::steady_clock::now();
  ProgressBar progress("MLM pre-training", total_steps,
                       ProgressOptions{.unit = "step", .force = false});
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    auto batches = LengthBucketedBatches(
        lengths, {.batch_size = options.batch_size, .seed = options.seed * 1000 + epoch});
    double loss_sum = 0;
    for (const auto& batch : batches) {
      PaddedBatch padded = transfer.Pad(batch, pad_id);
      MaskedBatch masked = MaskTokens(padded.ids, padded.mask, masking, generator);
      torch::Tensor labels = masked.labels.to(device);
      torch::Tensor selected = labels.ne(-100);
      FreshGradients gradients(*optimizer);
      BertEncoderOutputs encoded =
          teacher->bert(masked.input_ids.to(device), padded.mask.to(device));
      torch::Tensor logits = teacher->MlmLogits(encoded.last_hidden.index({selected}));
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, labels.index({selected}));
      SetLearningRate(*optimizer, LinearWarmupDecay(report.steps, warmup, total_steps,
                                                    options.optimizer.learning_rate));
      gradients.Backward(loss);
      torch::nn::utils::clip_grad_norm_(teacher->parameters(), options.optimizer.max_grad_norm);
      optimizer->step();
      loss_sum += loss.item<double>();
      ++report.steps;
      if (options.progress) progress.Advance();
    }
    report.epoch_losses.push_back(loss_sum / static_cast<double>(batches.size()));
    if (options.progress) {
      // A line per epoch in logs too, where the bar (a terminal's) is off.
      std::fprintf(stderr, "MLM pre-training epoch %lld/%lld: loss %.4f (%.0f s so far)\n",
                   static_cast<long long>(epoch + 1), static_cast<long long>(options.epochs),
                   report.epoch_losses.back(), SecondsSince(start));
    }
  }
  progress.Finish();
  report.first_epoch_loss = report.epoch_losses.front();
  report.last_epoch_loss = report.epoch_losses.back();
  report.seconds = SecondsSince(start);
  return report;
}

ClassifierEvaluation EvaluateTeacher(BertTeacher& teacher, const EncodedExamples& examples,
                                     int32_t pad_id, int64_t batch_size,
                                     const c10::Device& device) {
  const bool was_training = teacher->is_training();
  teacher->eval();
  ClassifierEvaluation evaluation =
      EvaluateClassifier(examples, pad_id, batch_size, [&](const PaddedBatch& batch) {
        return teacher->forward(batch.ids.to(device), batch.mask.to(device)).logits;
      });
  teacher->train(was_training);
  return evaluation;
}

std::vector<int32_t> PredictClasses(BertTeacher& teacher, const EncodedExamples& examples,
                                    int32_t pad_id, int64_t batch_size,
                                    const c10::Device& device) {
  return EvaluateTeacher(teacher, examples, pad_id, batch_size, device).predicted;
}

absl::StatusOr<FinetuneReport> FinetuneClassifier(BertTeacher& teacher,
                                                  const EncodedExamples& train,
                                                  const EncodedExamples& dev, int32_t pad_id,
                                                  const FinetuneOptions& options,
                                                  const c10::Device& device) {
  if (train.size() == 0 || dev.size() == 0) {
    return absl::InvalidArgumentError("fine-tuning needs non-empty train and dev sets");
  }
  for (const EncodedExamples* set : {&train, &dev}) {
    for (int32_t label : set->labels) {
      if (label < 0 || label >= teacher->num_labels()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "label ", label, " outside the classifier's ", teacher->num_labels(), " classes"));
      }
    }
  }
  const FinetuneDistillation& distill = options.distillation;
  const bool distilling = distill.transfer != nullptr;
  if (distilling && (distill.transfer->size() == 0 || !distill.teacher_logits.defined() ||
                     distill.teacher_logits.size(0) != distill.transfer->size() ||
                     distill.teacher_logits.size(1) != teacher->num_labels() ||
                     !(distill.temperature > 0))) {
    return absl::InvalidArgumentError(
        "fine-tuning with distillation needs a non-empty transfer set, one row of teacher logits "
        "per example with the classifier's classes, and a positive temperature");
  }
  torch::manual_seed(options.seed);
  teacher->to(device);
  auto optimizer = MakeOptimizer(*teacher, options.optimizer);
  const std::vector<int64_t> lengths = train.Lengths();
  const int64_t batches_per_epoch =
      ((distilling ? distill.transfer->size() : train.size()) + options.batch_size - 1) /
      options.batch_size;
  const int64_t total_steps = batches_per_epoch * options.max_epochs;
  const auto warmup =
      static_cast<int64_t>(std::llround(options.optimizer.warmup_fraction * total_steps));

  FinetuneReport report;
  EarlyStopping stopping(options.patience);
  int64_t step = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t epoch = 0; epoch < options.max_epochs; ++epoch) {
    teacher->train();
    double loss_sum = 0;
    auto batches = LengthBucketedBatches(
        lengths, {.batch_size = options.batch_size, .seed = options.seed * 1000 + epoch});
    // With distillation the transfer batches drive the epoch; labeled
    // batches cycle beside them (re-drawn each pass).
    std::vector<std::vector<int64_t>> transfer_batches;
    if (distilling) {
      transfer_batches = LengthBucketedBatches(
          distill.transfer->Lengths(),
          {.batch_size = options.batch_size, .seed = options.seed * 1000 + epoch + 500000});
    }
    const size_t steps = distilling ? transfer_batches.size() : batches.size();
    for (size_t index = 0; index < steps; ++index) {
      if (index > 0 && index % batches.size() == 0) {
        batches = LengthBucketedBatches(lengths, {.batch_size = options.batch_size,
                                                  .seed = options.seed * 1000 + epoch +
                                                          1000000 * (index / batches.size())});
      }
      const std::vector<int64_t>& batch = batches[index % batches.size()];
      PaddedBatch padded = train.Pad(batch, pad_id);
      FreshGradients gradients(*optimizer);
      torch::Tensor logits =
          teacher->forward(padded.ids.to(device), padded.mask.to(device)).logits;
      torch::Tensor loss =
          torch::nn::functional::cross_entropy(logits, train.LabelTensor(batch).to(device));
      if (distilling) {
        const std::vector<int64_t>& rows = transfer_batches[index];
        PaddedBatch unlabeled = distill.transfer->Pad(rows, pad_id);
        torch::Tensor student_logits =
            teacher->forward(unlabeled.ids.to(device), unlabeled.mask.to(device)).logits;
        torch::Tensor targets =
            distill.teacher_logits.index_select(0, torch::tensor(rows, torch::kLong)).to(device);
        loss = loss + distill.weight * TemperatureKlLoss(student_logits, targets, distill.temperature);
      }
      SetLearningRate(*optimizer, LinearWarmupDecay(step++, warmup, total_steps,
                                                    options.optimizer.learning_rate));
      gradients.Backward(loss);
      torch::nn::utils::clip_grad_norm_(teacher->parameters(), options.optimizer.max_grad_norm);
      optimizer->step();
      loss_sum += loss.item<double>();
    }
    const ClassifierEvaluation evaluation =
        EvaluateTeacher(teacher, dev, pad_id, options.batch_size, device);
    const double dev_accuracy = evaluation.accuracy;
    report.dev_accuracy.push_back(dev_accuracy);
    report.dev_loss.push_back(evaluation.mean_loss);
    report.train_loss.push_back(loss_sum / static_cast<double>(steps));
    if (options.progress) {
      std::fprintf(stderr,
                   "fine-tuning epoch %lld: train loss %.4f, dev accuracy %.4f, dev loss %.4f\n",
                   static_cast<long long>(epoch + 1), report.train_loss.back(), dev_accuracy,
                   evaluation.mean_loss);
    }
    if (stopping.Update(epoch + 1, dev_accuracy, evaluation.mean_loss, *teacher)) break;
  }
  stopping.RestoreBest(*teacher);
  report.best_epoch = stopping.best_epoch();
  report.best_dev_accuracy = stopping.best_accuracy();
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace kdbench
