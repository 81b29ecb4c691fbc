// The closed-form "training" of a naive Bayes student
// (lib/models/naive_bayes_student.h) on a cell's data: the labeled split
// with its gold labels and, for a distillation method, the transfer set
// with the teacher's labels:
//   none      gold labels only
//   hard      + the teacher's argmax on each transfer example
//   kl(T=t)   + the teacher's softmax at temperature t as fractional labels
//             (T = 1: its probabilities; --temperature when not given)
// Other methods regress or match features and have no count form: an
// error names the ones that do.
#ifndef KDBENCH_LIB_DISTILL_NAIVE_BAYES_FIT_H_
#define KDBENCH_LIB_DISTILL_NAIVE_BAYES_FIT_H_

#include <c10/core/Device.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "lib/distill/student_training.h"
#include "lib/models/naive_bayes_student.h"

namespace kdbench {

// Whether `method` has a count form (above); an error naming those that do.
absl::Status CheckNaiveBayesMethod(const std::string& method);

absl::StatusOr<StudentTrainingReport> FitNaiveBayes(NaiveBayesStudentImpl& student,
                                                    const StudentTrainingData& data,
                                                    const std::string& method, double temperature,
                                                    int32_t pad_id, int64_t batch_size,
                                                    const c10::Device& device);

}  // namespace kdbench

#endif  // KDBENCH_LIB_DISTILL_NAIVE_BAYES_FIT_H_
