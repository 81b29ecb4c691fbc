// A small synthetic distillation task for the trainer's tests: a tiny
// BiLSTM learns it in a few epochs from labels and from a confident
// teacher's targets.
#ifndef KDBENCH_TESTS_DISTILL_SYNTHETIC_TASK_H_
#define KDBENCH_TESTS_DISTILL_SYNTHETIC_TASK_H_

#include <cstdint>

#include "lib/distill/student_training.h"
#include "lib/models/student.h"

namespace kdbench {

inline constexpr int64_t kVocab = 30;
inline constexpr int64_t kTeacherWidth = 8;

// Class 0 sequences hold token 5, class 1 token 6, among random filler
// tokens 10..29.
EncodedExamples SyntheticExamples(int64_t count, uint64_t seed, bool labeled);

// Teacher targets from the rule: a confident teacher.
TransferSet SyntheticTransfer(int64_t count, uint64_t seed);

struct Fixture {
  EncodedExamples labeled = SyntheticExamples(40, 1, true);
  EncodedExamples dev = SyntheticExamples(40, 2, true);
  TransferSet transfer = SyntheticTransfer(120, 3);
  TransferSet held_out = SyntheticTransfer(20, 4);
  StudentTrainingData data() const { return {&labeled, &dev, &transfer, &held_out}; }
};

StudentPtr TinyStudent(uint64_t seed);

// A BiLSTM's unfreeze order, `max_epochs` per phase, patience as long.
ScheduleOptions Order(int64_t max_epochs);

}  // namespace kdbench

#endif  // KDBENCH_TESTS_DISTILL_SYNTHETIC_TASK_H_
