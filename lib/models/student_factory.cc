#include "lib/models/student_factory.h"

#include "absl/strings/str_cat.h"
#include "lib/models/bilstm_student.h"
#include "lib/models/cnn_student.h"
#include "lib/models/naive_bayes_student.h"
#include "lib/models/ngram_logreg_student.h"

namespace kdbench {
namespace {

struct SizeDims {
  int64_t embedding, hidden;
};

absl::StatusOr<SizeDims> Dims(const std::string& size) {
  if (size == "tiny") return SizeDims{32, 32};
  if (size == "mini") return SizeDims{128, 128};
  if (size == "paper") return SizeDims{300, 600};
  return absl::InvalidArgumentError(
      absl::StrCat("--student_size=", size, ": unknown; known: tiny, mini, paper"));
}

}  // namespace

std::string KnownStudents() { return "bilstm, rnn, cnn, ngram-logreg, naive-bayes"; }

bool StudentUsesWordTokens(const std::string& architecture) { return architecture == "rnn"; }

absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec) {
  if (spec.vocab_size <= 0 || spec.num_classes < 2) {
    return absl::InvalidArgumentError(absl::StrCat("student: needs a vocabulary (got ",
                                                   spec.vocab_size, ") and at least 2 classes (got ",
                                                   spec.num_classes, ")"));
  }
  absl::StatusOr<SizeDims> dims = Dims(spec.size);
  if (!dims.ok()) return dims.status();
  if (spec.architecture == "bilstm" || spec.architecture == "rnn") {
    return std::make_shared<BiLstmStudentImpl>(
        BiLstmStudentOptions(spec.vocab_size, spec.num_classes)
            .embedding_dim(dims->embedding)
            .hidden_size(dims->hidden)
            .dropout(spec.dropout)
            .padding_idx(spec.padding_idx)
            .pooling(spec.architecture == "rnn" ? BiLstmPooling::kLastState : BiLstmPooling::kMax)
            .head_width(spec.head_width));
  }
  if (spec.head_width > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the shared Dense(gelu) head exists for the bilstm student only, not --student=",
        spec.architecture));
  }
  if (spec.architecture == "cnn") {
    // Kim's 100 filters per window width; fewer for the tiny size.
    return std::make_shared<CnnStudentImpl>(CnnStudentOptions(spec.vocab_size, spec.num_classes)
                                                .embedding_dim(dims->embedding)
                                                .filters(spec.size == "tiny" ? 32 : 100)
                                                .dropout(spec.dropout)
                                                .padding_idx(spec.padding_idx));
  }
  if (spec.architecture == "ngram-logreg") {
    // One size: a linear model has no width to scale (the tiny profile
    // takes fewer bigram buckets).
    return std::make_shared<NgramLogregStudentImpl>(
        NgramLogregStudentOptions(spec.vocab_size, spec.num_classes)
            .bigram_buckets(spec.size == "tiny" ? 1 << 12 : 1 << 18)
            .padding_idx(spec.padding_idx));
  }
  if (spec.architecture == "naive-bayes") {
    return std::make_shared<NaiveBayesStudentImpl>(
        NaiveBayesStudentOptions(spec.vocab_size, spec.num_classes)
            .bigram_buckets(spec.size == "tiny" ? 1 << 12 : 1 << 18)
            .padding_idx(spec.padding_idx));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--student=", spec.architecture, ": unknown; known: ", KnownStudents()));
}

}  // namespace kdbench
