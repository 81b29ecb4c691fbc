#include "lib/distill/naive_bayes_fit.h"

#include <torch/torch.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "lib/distill/closed_form_fit.h"
#include "lib/distill/distillation_method.h"
#include "lib/util/progress.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

// Counts `examples` in batches; `weights_of` gives a batch's label weights.
template <typename WeightsOf>
void Count(NaiveBayesStudentImpl& student, const EncodedExamples& examples, int32_t pad_id,
           int64_t batch_size, WeightsOf weights_of) {
  for (int64_t start = 0; start < examples.size(); start += batch_size) {
    std::vector<int64_t> batch;
    for (int64_t i = start; i < std::min<int64_t>(start + batch_size, examples.size()); ++i) {
      batch.push_back(i);
    }
    const PaddedBatch padded = examples.Pad(batch, pad_id);
    student.AddCounts(padded.ids, padded.lengths, weights_of(batch));
  }
}

}  // namespace

absl::Status CheckNaiveBayesMethod(const std::string& method) {
  ASSIGN_OR_RETURN(DistillationMethod parsed, ParseDistillationMethod(method));
  if (parsed.base != kNoDistillation && parsed.base != "hard" && parsed.base != "kl") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=", method, ": naive Bayes is fitted from label counts; it takes none (gold "
        "labels), hard (the teacher's argmax) or kl(T=...) (the teacher's softmax at T as "
        "fractional labels)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<StudentTrainingReport> FitNaiveBayes(NaiveBayesStudentImpl& student,
                                                    const StudentTrainingData& data,
                                                    const std::string& method, double temperature,
                                                    int32_t pad_id, int64_t batch_size,
                                                    const c10::Device& device) {
  RETURN_IF_ERROR(CheckNaiveBayesMethod(method));
  ASSIGN_OR_RETURN(DistillationMethod parsed, ParseDistillationMethod(method));
  const bool hard = parsed.base == "hard";
  const bool soft = parsed.base == "kl";
  if (data.labeled == nullptr || data.dev == nullptr || data.labeled->size() == 0) {
    return absl::InvalidArgumentError("naive Bayes needs non-empty labeled and dev sets");
  }
  if (auto given = parsed.parameters.find("T"); given != parsed.parameters.end()) {
    temperature = given->second;
  }
  const auto start = std::chrono::steady_clock::now();
  const int64_t classes = student.num_classes();
  Count(student, *data.labeled, pad_id, batch_size, [&](const std::vector<int64_t>& batch) {
    return torch::one_hot(data.labeled->LabelTensor(batch), classes).to(torch::kFloat);
  });
  int64_t examples = data.labeled->size();
  std::string source = "gold labels";
  if (hard || soft) {
    if (data.transfer == nullptr || !data.transfer->targets.logits.defined()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--method=", method, ": naive Bayes needs the teacher's logits on the "
                       "transfer set"));
    }
    const torch::Tensor& logits = data.transfer->targets.logits;
    Count(student, data.transfer->examples, pad_id, batch_size,
          [&](const std::vector<int64_t>& batch) {
            const torch::Tensor rows = logits.index_select(0, torch::tensor(batch, torch::kLong));
            return hard ? torch::one_hot(rows.argmax(1), classes).to(torch::kFloat)
                        : torch::softmax(rows / temperature, 1);
          });
    examples += data.transfer->examples.size();
    source = hard ? "gold labels + the teacher's argmax"
                  : absl::StrCat("gold labels + the teacher's softmax at T = ", temperature);
  }
  student.Finish();
  student.to(device);
  StudentTrainingReport report;
  report.seconds = SecondsSince(start);
  report.trained_examples = examples;
  report.examples_per_second = report.seconds > 0 ? examples / report.seconds : 0;
  report.dev_accuracy = EvaluateStudent(student, *data.dev, pad_id, batch_size, device).accuracy;
  report.phases.push_back({.name = absl::StrCat("closed form: counts of ", source),
                           .epochs_run = 1,
                           .best_epoch = 1});
  report.phases.back().selection_value.push_back(report.dev_accuracy);
  return report;
}

namespace {

// The registered fit: the naive-bayes factory makes a NaiveBayesStudentImpl.
absl::StatusOr<StudentTrainingReport> FitRegisteredNaiveBayes(StudentImpl& student,
                                                              const StudentTrainingData& data,
                                                              const ClosedFormFitOptions& options,
                                                              const c10::Device& device) {
  auto* naive_bayes = dynamic_cast<NaiveBayesStudentImpl*>(&student);
  if (naive_bayes == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "naive Bayes fit: the student is a ", student.architecture(), ", not naive-bayes"));
  }
  return FitNaiveBayes(*naive_bayes, data, options.method, options.temperature, options.pad_id,
                       options.batch_size, device);
}

}  // namespace

KDBENCH_REGISTER_CLOSED_FORM_FIT("naive-bayes", {.check_method = CheckNaiveBayesMethod,
                                                 .fit = FitRegisteredNaiveBayes});

}  // namespace kdbench
