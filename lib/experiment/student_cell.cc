#include "lib/experiment/student_cell.h"

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/encoded_examples.h"
#include "lib/data/splits.h"
#include "lib/distill/student_training.h"
#include "lib/models/bert_checkpoint.h"
#include "lib/text/bert_tokenizer.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {

absl::StatusOr<BiLstmStudentOptions> StudentSizeOptions(const std::string& size,
                                                        int64_t vocab_size, int64_t num_classes) {
  BiLstmStudentOptions options(vocab_size, num_classes);
  if (size == "tiny") {
    options.embedding_dim(32).hidden_size(32);
  } else if (size == "mini") {
    options.embedding_dim(128).hidden_size(128);
  } else if (size == "paper") {
    options.embedding_dim(300).hidden_size(600);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--student_size=", size, ": unknown; known: tiny, mini, paper"));
  }
  return options;
}

absl::StatusOr<std::string> RunStudentCell(const StudentCellOptions& options,
                                           const c10::Device& device) {
  if (options.method != "none") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method=", options.method,
        ": unknown; known: none (the distillation methods hard, soft, soft+repr arrive "
        "with the losses and schedules, issue 5)"));
  }
  if (options.teacher.empty()) {
    return absl::InvalidArgumentError("--teacher=DIR is required (its vocabulary is the student's)");
  }
  ASSIGN_OR_RETURN(LoadedTeacher teacher,
                   LoadBertTeacher(options.teacher, {.require_classifier = false}));
  ASSIGN_OR_RETURN(Corpus corpus, ReadDataset(options.dataset, {.path = options.path}));
  ASSIGN_OR_RETURN(DataSplit split, MakeSplit(corpus, {.labels_per_class = options.labels_per_class,
                                                       .seed = options.seed}));
  BertTokenizer tokenizer(teacher.vocabulary);
  const int32_t pad = tokenizer.vocabulary().pad_id() >= 0 ? tokenizer.vocabulary().pad_id() : 0;
  EncodedExamples train =
      EncodeExamples(corpus, split.train, tokenizer, options.max_length, /*special_tokens=*/false);
  EncodedExamples dev =
      EncodeExamples(corpus, split.dev, tokenizer, options.max_length, /*special_tokens=*/false);
  ASSIGN_OR_RETURN(BiLstmStudentOptions student_options,
                   StudentSizeOptions(options.student_size, tokenizer.vocabulary().size(),
                                      static_cast<int64_t>(corpus.label_names.size())));
  student_options.padding_idx(pad);
  torch::manual_seed(options.seed);
  BiLstmStudent student(student_options);
  StudentTrainingOptions training{.max_epochs = options.max_epochs,
                                  .patience = options.patience,
                                  .batch_size = options.batch_size,
                                  .learning_rate = options.learning_rate,
                                  .seed = options.seed};
  ASSIGN_OR_RETURN(StudentTrainingReport report,
                   TrainStudentSupervised(student, train, dev, pad, training, device));
  // The test split is read once, after model selection.
  EncodedExamples test =
      EncodeExamples(corpus, split.test, tokenizer, options.max_length, /*special_tokens=*/false);
  ClassifierEvaluation evaluation = EvaluateStudent(student, test, pad, options.batch_size, device);
  nlohmann::json result = {
      {"dataset", options.dataset},
      {"method", options.method},
      {"student", "bilstm-maxpool"},
      {"student_size", options.student_size},
      {"labels_per_class", split.labels_per_class},
      {"seed", options.seed},
      {"dev_accuracy", report.best_dev_accuracy},
      {"test_accuracy", evaluation.accuracy},
      {"best_epoch", report.best_epoch},
      {"epochs_run", static_cast<int64_t>(report.dev_accuracy.size())},
      {"embedding_parameters", student->EmbeddingParameterCount()},
      {"non_embedding_parameters", student->NonEmbeddingParameterCount()},
      {"train_examples_per_second", report.examples_per_second},
      {"seconds", report.seconds},
      {"split_hash", split.split_hash},
      {"teacher_hash", teacher.checkpoint_hash},
  };
  return result.dump();
}

}  // namespace kdbench
