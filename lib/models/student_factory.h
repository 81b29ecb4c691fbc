// Students by name, as grids and `kdbench distill --student` name them.
#ifndef KDBENCH_LIB_MODELS_STUDENT_FACTORY_H_
#define KDBENCH_LIB_MODELS_STUDENT_FACTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/models/student.h"

namespace kdbench {

struct StudentSpec {
  // bilstm: the paper's student (BiLSTM, max-pool, WordPiece input);
  // rnn: the paper's "RNN" baseline (BiLSTM last state; the caller feeds it
  // lower-cased whitespace words); cnn: a Kim CNN; ngram-logreg: logistic
  // regression on a bag of uni- and bigrams; naive-bayes: multinomial naive
  // Bayes on the same bag, fitted in closed form (lib/distill/naive_bayes_fit.h);
  // transformer: a small BERT encoder for feature distillation
  // (lib/models/transformer_student.h).
  std::string architecture = "bilstm";
  // tiny (32-d embedding, 32 per direction; smoke), mini (128, 128) or
  // paper (300, 600). The transformer: tiny 1 layer x 32, mini 2 x 128,
  // paper 6 x 384 (MiniLM-L6-H384's shape).
  std::string size = "mini";
  int64_t vocab_size = 0;
  int64_t num_classes = 0;
  int64_t padding_idx = 0;
  double dropout = 0.4;
  // bilstm and rnn: dropout on h_{t-1} inside the recurrence (the paper:
  // 0.2); 0: none. Other students refuse a non-zero value.
  double recurrent_dropout = 0;
  // bilstm only: the released code's Dense(head_width, gelu) after pooling,
  // shared by the classifier and the representation loss; 0: none.
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

std::string KnownStudents();
std::vector<std::string> KnownStudentSizes();

// Whether the architecture has an LSTM, and so takes recurrent dropout.
bool StudentHasRecurrence(const std::string& architecture);

// Whether the architecture reads whitespace words rather than WordPieces.
bool StudentUsesWordTokens(const std::string& architecture);

// Unknown architectures and sizes are errors listing the known ones.
absl::StatusOr<StudentPtr> MakeStudent(const StudentSpec& spec);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_STUDENT_FACTORY_H_
