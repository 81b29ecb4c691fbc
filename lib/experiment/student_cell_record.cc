#include "lib/experiment/student_cell_record.h"

#include "lib/util/content_hash.h"

namespace kdbench {
namespace {

nlohmann::json TeacherUseJson(const TeacherUse& teacher) {
  nlohmann::json json = {{"hash", teacher.hash},
                         {"parameters", teacher.parameters},
                         {"embedding_parameters", teacher.embedding_parameters}};
  if (!teacher.checkpoint.empty()) json["checkpoint"] = teacher.checkpoint;
  if (teacher.distilled) {
    json["cache"] = teacher.cache;
    json["forward_passes"] = teacher.forward_passes;
    json["reused_from_cache"] = teacher.reused_from_cache;
  }
  if (teacher.width > 0) json["width"] = teacher.width;
  return json;
}

nlohmann::json CellTeacherJson(const CellTeacherUse& use) {
  nlohmann::json json = TeacherUseJson(use.teacher);
  if (!use.ensemble.empty()) {
    json["ensemble"] = use.ensemble;
    json["members"] = nlohmann::json::array();
    for (const TeacherUse& member : use.members) json["members"].push_back(TeacherUseJson(member));
  }
  return json;
}

nlohmann::json PhaseJson(const PhaseReport& phase) {
  return {{"name", phase.name},
          {"epochs_run", phase.epochs_run},
          {"best_epoch", phase.best_epoch},
          {"steps", phase.steps},
          {"step_cap_reached", phase.step_cap_reached},
          {"selection",
           phase.selected_on_transfer_loss ? "held-out transfer loss" : "dev accuracy"},
          {"selection_per_epoch", phase.selection_value},
          {"train_loss_per_epoch", phase.train_loss},
          {"weighted_term_loss_per_epoch", phase.weighted_term_loss}};
}

nlohmann::json DeploymentJson(const std::vector<DeploymentResult>& deployment) {
  nlohmann::json json = nlohmann::json::object();
  for (const DeploymentResult& deployed : deployment) {
    const std::string name = PrecisionName(deployed.precision);
    if (!deployed.supported) {
      json[name] = {{"supported", false}, {"reason", deployed.reason}};
      continue;
    }
    json[name] = {{"supported", true},
                  {"kernel", deployed.kernel},
                  {"recurrent_weight_bytes", deployed.recurrent_weight_bytes},
                  {"threads", deployed.threads},
                  {"test_accuracy", deployed.test_accuracy},
                  {"agreement_with_model", deployed.agreement_with_model},
                  {"seconds_per_example", deployed.seconds_per_example},
                  {"test_predictions", deployed.test_predictions}};
  }
  return json;
}

}  // namespace

nlohmann::json StudentCellConfigJson(const StudentCellOptions& o) {
  nlohmann::json json = {
      {"dataset", o.dataset},
      {"method", o.method},
      {"schedule", o.schedule},
      {"student", o.student},
      {"student_size", o.student_size},
      {"recurrent_dropout", o.recurrent_dropout},
      {"labels_per_class", o.labels_per_class},
      {"max_length", o.max_length},
      {"teacher_max_length", o.teacher_max_length},
      {"max_epochs", o.max_epochs},
      {"patience", o.patience},
      {"labels_only_max_epochs", o.labels_only_max_epochs},
      {"labels_only_patience", o.labels_only_patience},
      {"batch_size", o.batch_size},
      {"optimizer", ChoiceName(StudentOptimizerNames(), o.optimizer)},
      {"unfreeze_order", o.unfreeze_order},
      {"learning_rate", o.learning_rate},
      {"cosine_restarts", o.cosine_restarts},
      {"alpha", o.alpha},
      {"beta", o.beta},
      {"gamma", o.gamma},
      {"temperature", o.temperature},
      {"logit_target", ChoiceName(LogitTargetNames(), o.logit_target)},
      {"representation_target", ChoiceName(RepresentationTargetNames(), o.representation_target)},
      {"representation_reduction", ChoiceName(FeatureReductionNames(), o.representation_reduction)},
      {"shared_head", o.shared_head},
      {"transfer_limit", o.transfer_limit},
      {"word_vectors", o.word_vectors},
      {"ensemble_members", o.ensemble_members},
      {"ensemble_weighting", o.ensemble_weighting}};
  // Settings added later appear only when set: older records keep their keys.
  if (o.dev_per_class > 0) json["dev_per_class"] = o.dev_per_class;
  if (o.step_budget > 0) json["step_budget"] = o.step_budget;
  if (o.student_precision != TrainingPrecision::kFloat32) {
    json["student_precision"] = TrainingPrecisionName(o.student_precision);
  }
  return json;
}

std::string StudentCellConfigHash(const StudentCellOptions& options) {
  return Sha256Hex(StudentCellConfigJson(options).dump());
}

nlohmann::json StudentCellResultJson(const StudentCellResult& r) {
  const StudentCellOptions& o = r.options;
  nlohmann::json phases = nlohmann::json::array();
  int64_t epochs = 0;
  for (const PhaseReport& phase : r.phases) {
    epochs += phase.epochs_run;
    phases.push_back(PhaseJson(phase));
  }
  nlohmann::json embedding = {{"init", r.embedding.init}};
  if (r.embedding.rows >= 0) {
    embedding["rows_covered"] = r.embedding.rows_covered;
    embedding["rows"] = r.embedding.rows;
  }
  const nlohmann::json config = StudentCellConfigJson(o);
  const nlohmann::json teacher = CellTeacherJson(r.teacher);
  nlohmann::json json = {
      {"dataset", o.dataset},
      {"method", o.method},
      {"schedule", o.schedule},
      {"student", r.student},
      {"student_size", o.student_size},
      {"labels_per_class", r.labels_per_class},
      {"seed", o.seed},
      {"dev_accuracy", r.dev_accuracy},
      {"test_accuracy", r.test_accuracy},
      {"test_macro_f1", r.test_macro_f1},
      {"test_predictions", r.test_predictions},
      {"test_labels", r.test_labels},
      {"train_examples", r.train_examples},
      {"dev_examples", r.dev_examples},
      {"test_examples", r.test_examples},
      {"transfer_examples", r.transfer_examples},
      {"held_out_transfer_examples", r.held_out_transfer_examples},
      {"epochs", epochs},
      {"phases", phases},
      {"embedding_parameters", r.embedding_parameters},
      {"non_embedding_parameters", r.non_embedding_parameters},
      {"train_examples_per_second", r.train_examples_per_second},
      {"padding_share", r.padding_share},
      {"seconds", r.seconds},
      {"teacher", teacher},
      {"embedding", embedding},
      {"config", config},
      {"provenance",
       {{"split_hash", r.split_hash},
        {"corpus_hash", r.corpus_hash},
        {"tokenizer_hash", r.tokenizer_hash},
        {"teacher_hash", r.teacher.teacher.hash},
        {"cache_key", r.teacher.teacher.cache},
        {"config_hash", Sha256Hex(config.dump())},
        {"git_revision", o.git_revision}}},
  };
  if (!r.deployment.empty()) json["deployment"] = DeploymentJson(r.deployment);
  return json;
}

}  // namespace kdbench
