#include "lib/experiment/teacher_stage_records.h"

namespace kdbench {

nlohmann::json PretrainResultJson(const PretrainResult& r) {
  const nlohmann::json corpus =
      r.general ? nlohmann::json{{"datasets", r.general_datasets},
                                 {"texts_per_dataset", r.texts_per_dataset},
                                 {"excluded_as_test", r.excluded_as_test}}
                : nlohmann::json{{"dataset", r.dataset}, {"split_hash", r.split_hash}};
  nlohmann::json json = {
      {"stage", "pretrain"},
      {"corpus", r.general ? "general" : "in-domain"},
      {"mlm_corpus", corpus},
      {"dataset", r.dataset},
      {"size", r.size},
      {"layers", r.layers},
      {"hidden", r.hidden},
      {"vocab_size", r.vocab_size},
      {"transfer_examples", r.transfer_examples},
      {"epochs", r.epochs},
      {"steps", r.steps},
      {"mlm_loss_per_epoch", r.mlm_loss_per_epoch},
      {"unigram_entropy", r.unigram_entropy},
      {"seconds", r.seconds},
      {"precision", TrainingPrecisionName(r.precision)},
      {"split_hash", r.split_hash},
      {"checkpoint", r.checkpoint},
  };
  if (!r.init_checkpoint_hash.empty()) {
    json["init_checkpoint"] = r.init_checkpoint;
    json["init_checkpoint_hash"] = r.init_checkpoint_hash;
  }
  return json;
}

nlohmann::json FinetuneResultJson(const FinetuneResult& r) {
  nlohmann::json json = {
      {"stage", "finetune"},
      {"dataset", r.dataset},
      {"labels_per_class", r.labels_per_class},
      {"seed", r.seed},
      {"train_examples", r.train_examples},
      {"dev_examples", r.dev_examples},
      {"test_examples", r.test_examples},
      {"dev_accuracy_per_epoch", r.dev_accuracy_per_epoch},
      {"dev_loss_per_epoch", r.dev_loss_per_epoch},
      {"best_epoch", r.best_epoch},
      {"dev_accuracy", r.dev_accuracy},
      {"test_accuracy", r.test_accuracy},
      {"test_macro_f1", r.test_macro_f1},
      {"test_majority_accuracy", r.test_majority_accuracy},
      {"test_predictions", r.test_predictions},
      {"test_labels", r.test_labels},
      {"seconds", r.seconds},
      {"precision", TrainingPrecisionName(r.precision)},
      {"split_hash", r.split_hash},
      {"pretrained_checkpoint_hash", r.pretrained_checkpoint_hash},
      {"checkpoint", r.checkpoint},
  };
  if (r.distilled_from.has_value()) {
    const AssistantDistillation& d = *r.distilled_from;
    json["distilled_from"] = {{"teacher_checkpoint", d.teacher_checkpoint},
                              {"teacher_hash", d.teacher_hash},
                              {"transfer_examples", d.transfer_examples},
                              {"temperature", d.temperature},
                              {"weight", d.weight},
                              {"teacher_forward_passes", d.teacher_forward_passes},
                              {"reused_from_cache", d.reused_from_cache}};
  }
  return json;
}

nlohmann::json TeacherOutputsResultJson(const TeacherOutputsResult& r) {
  return {
      {"stage", "teacher-outputs"},
      {"dataset", r.dataset},
      {"transfer_examples", r.transfer_examples},
      {"teacher_forward_passes", r.teacher_forward_passes},
      {"reused_from_cache", r.reused_from_cache},
      {"corrupt_chunks_rebuilt", r.corrupt_chunks_rebuilt},
      {"mean_probability_variance", r.mean_probability_variance},
      {"one_hot_variance", r.one_hot_variance},
      {"classes", r.classes},
      {"parameters", r.parameters},
      {"embedding_parameters", r.embedding_parameters},
      {"non_embedding_parameters", r.parameters - r.embedding_parameters},
      {"layers", r.layers},
      {"hidden", r.hidden},
      {"seconds", r.seconds},
      {"precision", TrainingPrecisionName(r.precision)},
      {"cache", r.cache},
      {"teacher_hash", r.teacher_hash},
      {"split_hash", r.split_hash},
  };
}

}  // namespace kdbench
