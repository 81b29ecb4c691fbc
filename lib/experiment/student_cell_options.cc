#include "lib/experiment/student_cell_options.h"

#include "lib/distill/closed_form_fit.h"
#include "lib/models/student_registry.h"

namespace kdbench {

const NamedChoices<LogitTarget>& LogitTargetNames() {
  static const auto* names = new NamedChoices<LogitTarget>{{LogitTarget::kLogOdds, "log-odds"},
                                                           {LogitTarget::kLogits, "logits"}};
  return *names;
}

const NamedChoices<RepresentationTarget>& RepresentationTargetNames() {
  static const auto* names = new NamedChoices<RepresentationTarget>{
      {RepresentationTarget::kCls, "cls"}, {RepresentationTarget::kPooled, "pooled"}};
  return *names;
}

double RecurrentDropoutFor(const ProfileSettings& settings, const std::string& student) {
  return StudentHasRecurrence(student) ? settings.recurrent_dropout : 0;
}

PrecisionSetting StudentPrecisionFor(const ProfileSettings& settings, const std::string& student) {
  return FindClosedFormFit(student) == nullptr ? settings.student_precision
                                               : PrecisionSetting::kFloat32;
}

StudentCellOptions StudentCellOptionsFromProfile(const ProfileSettings& settings,
                                                 const std::string& student,
                                                 const c10::Device& device) {
  return {.path = settings.path,
          .student = student,
          .student_size = settings.student_size,
          .recurrent_dropout = RecurrentDropoutFor(settings, student),
          .dev_per_class = settings.dev_per_class,
          .max_length = settings.max_length,
          .teacher_max_length = settings.teacher_max_length,
          .teacher_precision = ResolvePrecisionSetting(settings.teacher_precision, device),
          .student_precision =
              ResolvePrecisionSetting(StudentPrecisionFor(settings, student), device),
          .max_epochs = settings.max_epochs,
          .patience = settings.patience,
          .labels_only_max_epochs = settings.labels_only_max_epochs,
          .labels_only_patience = settings.labels_only_patience,
          .step_budget = settings.step_budget,
          .batch_size = settings.batch_size,
          .optimizer = settings.optimizer,
          .learning_rate = settings.learning_rate,
          .representation_reduction = settings.representation_reduction,
          .word_vectors = settings.word_vectors,
          .transfer_limit = settings.transfer_limit};
}

}  // namespace kdbench
