// What a teacher gives a student: per example its logits, probabilities,
// log-odds log(p / (1 - p)) (the paper's logit-loss target), the last-layer
// [CLS] vector and the pooler output; on request every layer's hidden
// states and attention probabilities (feature distillation).
#ifndef KDBENCH_LIB_MODELS_TEACHER_OUTPUTS_H_
#define KDBENCH_LIB_MODELS_TEACHER_OUTPUTS_H_

#include <ATen/core/Tensor.h>

#include <vector>

#include "lib/models/bert.h"
#include "lib/models/transformer_internals.h"

namespace kdbench {

struct TeacherOutputs {
  at::Tensor logits;         // [batch, labels]
  at::Tensor probabilities;  // [batch, labels], softmax of logits
  at::Tensor log_odds;       // [batch, labels], log(p / (1 - p)), p clamped
  at::Tensor cls;            // [batch, hidden], last layer at [CLS]
  at::Tensor pooled;         // [batch, hidden], tanh(W h_CLS + b)
  std::vector<at::Tensor> hidden_states;  // optional: layers + 1 of [batch, time, hidden]
  std::vector<at::Tensor> attentions;     // optional: layers of [batch, heads, time, time]
};

// p is clamped to [eps, 1 - eps] so that confident teachers give finite
// targets (float32: eps = 1e-7 bounds |log-odds| by ~16.1).
at::Tensor LogOdds(const at::Tensor& probabilities, double eps = 1e-7);

// Runs `teacher` in inference mode (no autograd, dropout off: eval() is set
// and restored). Shape: input_ids, attention_mask [batch, time].
TeacherOutputs ComputeTeacherOutputs(BertTeacher& teacher, const at::Tensor& input_ids,
                                     const at::Tensor& attention_mask,
                                     bool all_layers = false);

// The teacher's per-layer internals over a student's batch (ids [batch,
// time] without [CLS] / [SEP], and lengths), framed as the transformer
// student frames it (sequence_masking.h) within the teacher's positions.
// No autograd; dropout off (eval() is set and restored). Not inference
// mode: the results enter the student's loss graph.
TransformerInternals ComputeTeacherInternals(BertTeacherImpl& teacher, const at::Tensor& ids,
                                             const at::Tensor& lengths, int64_t cls_id,
                                             int64_t sep_id, int64_t pad_id);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_TEACHER_OUTPUTS_H_
