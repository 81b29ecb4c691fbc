#include "lib/models/student_factory.h"

#include "absl/strings/str_cat.h"
#include "lib/models/bilstm_student.h"

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

absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec) {
  if (spec.vocab_size <= 0 || spec.num_classes < 2) {
    return absl::InvalidArgumentError(absl::StrCat("student: needs a vocabulary (got ",
                                                   spec.vocab_size, ") and at least 2 classes (got ",
                                                   spec.num_classes, ")"));
  }
  absl::StatusOr<SizeDims> dims = Dims(spec.size);
  if (!dims.ok()) return dims.status();
  if (spec.architecture == "bilstm") {
    return std::make_shared<BiLstmStudentImpl>(BiLstmStudentOptions(spec.vocab_size, spec.num_classes)
                                                   .embedding_dim(dims->embedding)
                                                   .hidden_size(dims->hidden)
                                                   .dropout(spec.dropout)
                                                   .padding_idx(spec.padding_idx));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--student=", spec.architecture, ": unknown; known: bilstm"));
}

}  // namespace kdbench
