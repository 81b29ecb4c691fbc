#include "lib/models/student_registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/util/name_registry.h"

namespace kdbench {
namespace {

struct RegisteredStudent {
  StudentFactory factory;
  StudentTraits traits;
};

NameRegistry<RegisteredStudent>& Registry() {
  static auto* registry = new NameRegistry<RegisteredStudent>("student");
  return *registry;
}

std::vector<std::string> StudentsWhere(bool StudentTraits::*trait) {
  std::vector<std::string> names;
  for (const std::string& name : Registry().Names()) {
    if (Registry().Find(name)->traits.*trait) names.push_back(name);
  }
  return names;
}

}  // namespace

absl::StatusOr<StudentDims> StudentSizeDims(const std::string& size) {
  if (size == "tiny") return StudentDims{32, 32};
  if (size == "mini") return StudentDims{128, 128};
  if (size == "paper") return StudentDims{300, 600};
  return absl::InvalidArgumentError(
      absl::StrCat("--student_size=", size, ": unknown; known: ",
                   absl::StrJoin(KnownStudentSizes(), ", ")));
}

std::vector<std::string> KnownStudentSizes() { return {"tiny", "mini", "paper"}; }

bool RegisterStudent(const std::string& name, StudentFactory factory, StudentTraits traits) {
  return Registry().Add(name, {std::move(factory), traits});
}

std::string KnownStudents() { return absl::StrJoin(Registry().Names(), ", "); }

absl::StatusOr<StudentTraits> FindStudentTraits(const std::string& architecture) {
  const RegisteredStudent* student = Registry().Find(architecture);
  if (student == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--student=", architecture, ": unknown; known: ", KnownStudents()));
  }
  return student->traits;
}

bool StudentHasRecurrence(const std::string& architecture) {
  const RegisteredStudent* student = Registry().Find(architecture);
  return student != nullptr && student->traits.has_recurrence;
}

bool StudentUsesWordTokens(const std::string& architecture) {
  const RegisteredStudent* student = Registry().Find(architecture);
  return student != nullptr && student->traits.uses_word_tokens;
}

absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec) {
  if (spec.vocab_size <= 0 || spec.num_classes < 2) {
    return absl::InvalidArgumentError(absl::StrCat("student: needs a vocabulary (got ",
                                                   spec.vocab_size, ") and at least 2 classes (got ",
                                                   spec.num_classes, ")"));
  }
  if (!(spec.recurrent_dropout >= 0 && spec.recurrent_dropout < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "student: recurrent_dropout must lie in [0, 1), got ", spec.recurrent_dropout));
  }
  absl::StatusOr<StudentDims> dims = StudentSizeDims(spec.size);
  if (!dims.ok()) return dims.status();
  const RegisteredStudent* student = Registry().Find(spec.architecture);
  if (student == nullptr) return FindStudentTraits(spec.architecture).status();
  if (!student->traits.has_recurrence && spec.recurrent_dropout > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recurrent dropout exists for the students with recurrence only (",
        absl::StrJoin(StudentsWhere(&StudentTraits::has_recurrence), ", "), "), not --student=",
        spec.architecture));
  }
  if (!student->traits.has_recurrence && spec.head_width > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the shared Dense(gelu) head exists for the students with recurrence only (",
        absl::StrJoin(StudentsWhere(&StudentTraits::has_recurrence), ", "), "), not --student=",
        spec.architecture));
  }
  return student->factory(spec);
}

}  // namespace kdbench
