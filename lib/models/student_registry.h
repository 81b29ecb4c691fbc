// Students by name, as grids and `kdbench distill --student` name them. A
// student is a StudentImpl (lib/models/student.h) plus one registration line
// at namespace scope; the built-in ones are in built_in_students.cc:
//   KDBENCH_REGISTER_STUDENT("my-student", MakeMyStudent);
//   KDBENCH_REGISTER_STUDENT("my-lstm", MakeMyLstm, {.has_recurrence = true});
// A library of registrations needs `alwayslink = True` in its Bazel target.
#ifndef KDBENCH_LIB_MODELS_STUDENT_REGISTRY_H_
#define KDBENCH_LIB_MODELS_STUDENT_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/util/name_registry.h"
#include "lib/models/student.h"

namespace kdbench {

struct StudentSpec {
  // A registered name. The built-in ones: bilstm, the paper's student
  // (BiLSTM, max-pool, WordPiece input); rnn, the paper's "RNN" baseline
  // (BiLSTM last state; the caller feeds it lower-cased whitespace words);
  // cnn, a Kim CNN; ngram-logreg, logistic regression on a bag of uni- and
  // bigrams; naive-bayes, multinomial naive Bayes on the same bag, fitted in
  // closed form (lib/distill/naive_bayes_fit.h); transformer, a small BERT
  // encoder for feature distillation (lib/models/transformer_student.h).
  std::string architecture = "bilstm";
  // tiny (32-d embedding, 32 per direction; smoke), mini (128, 128) or
  // paper (300, 600). The transformer: tiny 1 layer x 32, mini 2 x 128,
  // paper 6 x 384 (MiniLM-L6-H384's shape).
  std::string size = "mini";
  int64_t vocab_size = 0;
  int64_t num_classes = 0;
  int64_t padding_idx = 0;
  double dropout = 0.4;
  // Students with recurrence: dropout on h_{t-1} inside the recurrence (the
  // paper: 0.2); 0: none. Other students refuse a non-zero value.
  double recurrent_dropout = 0;
  // Students with recurrence: the released code's Dense(head_width, gelu)
  // after pooling, shared by the classifier and the representation loss;
  // 0: none.
  int64_t head_width = 0;
  // transformer only: attention heads (0: the size's own, 2, 4 or 12;
  // feature distillation matches the teacher's), the longest framed input
  // ([CLS] and [SEP] included; the teacher's positions), and the ids of
  // [CLS] and [SEP] in the vocabulary (required).
  int64_t attention_heads = 0;
  int64_t max_positions = 512;
  int64_t cls_id = -1;
  int64_t sep_id = -1;
};

// What the code around a student needs to know of it.
struct StudentTraits {
  // An LSTM: takes recurrent dropout and the Dense head, and has the
  // deployed batch-1 path (lib/models/deployed_bilstm.h).
  bool has_recurrence = false;
  // Reads lower-cased whitespace words rather than the teacher's WordPieces.
  bool uses_word_tokens = false;
};

// The embedding and hidden widths of a size name; an unknown one lists the
// known ones.
struct StudentDims {
  int64_t embedding = 0, hidden = 0;
};
absl::StatusOr<StudentDims> StudentSizeDims(const std::string& size);
std::vector<std::string> KnownStudentSizes();

// Builds a student from a checked spec: the vocabulary, classes, size and
// the traits' options have been validated before a factory is called.
using StudentFactory = std::function<absl::StatusOr<StudentPtr>(const StudentSpec& spec)>;

// Registers `name` (a second registration of a name aborts at start-up, since
// two students would otherwise silently share it). Returns true, for static
// initialisers.
bool RegisterStudent(const std::string& name, StudentFactory factory, StudentTraits traits = {});

// The registered names, sorted, joined by ", ".
std::string KnownStudents();

// An unknown name is an error listing the registered ones.
absl::StatusOr<StudentTraits> FindStudentTraits(const std::string& architecture);

// The traits of a registered student; false for an unknown name.
bool StudentHasRecurrence(const std::string& architecture);
bool StudentUsesWordTokens(const std::string& architecture);

// Unknown architectures and sizes are errors listing the known ones.
absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec);

}  // namespace kdbench

// KDBENCH_REGISTER_STUDENT(name, factory[, traits]).
#define KDBENCH_REGISTER_STUDENT(name, ...)                                                \
  static const bool KDBENCH_REGISTRATION_CONCAT(kdbench_registered_student_, __LINE__) = \
      ::kdbench::RegisterStudent(name, __VA_ARGS__)

#endif  // KDBENCH_LIB_MODELS_STUDENT_REGISTRY_H_
