#include "lib/models/teacher_outputs.h"

#include <torch/torch.h>

#include "lib/models/sequence_masking.h"

namespace kdbench {

at::Tensor LogOdds(const at::Tensor& probabilities, double eps) {
  at::Tensor p = probabilities.clamp(eps, 1.0 - eps);
  return torch::log(p) - torch::log1p(-p);
}

TeacherOutputs ComputeTeacherOutputs(BertTeacher& teacher, const at::Tensor& input_ids,
                                     const at::Tensor& attention_mask, bool all_layers) {
  const bool was_training = teacher->is_training();
  teacher->eval();
  TeacherOutputs outputs;
  {
    torch::InferenceMode inference;
    BertTeacherImpl::Outputs forward = teacher->forward(input_ids, attention_mask, all_layers);
    outputs.logits = forward.logits;
    outputs.probabilities = torch::softmax(forward.logits, -1);
    outputs.log_odds = LogOdds(outputs.probabilities);
    outputs.cls = forward.encoder.last_hidden.select(1, 0);
    outputs.pooled = forward.encoder.pooled;
    outputs.hidden_states = std::move(forward.encoder.hidden_states);
    outputs.attentions = std::move(forward.encoder.attentions);
  }
  teacher->train(was_training);
  return outputs;
}

TransformerInternals ComputeTeacherInternals(BertTeacherImpl& teacher, const at::Tensor& ids,
                                             const at::Tensor& lengths, int64_t cls_id,
                                             int64_t sep_id, int64_t pad_id) {
  const bool was_training = teacher.is_training();
  teacher.eval();
  torch::NoGradGuard no_grad;
  FramedBatch framed = FrameWithClsSep(ids, lengths, cls_id, sep_id, pad_id,
                                       teacher.config().max_position_embeddings);
  BertEncoderOutputs encoded = teacher.bert->forward(framed.ids, framed.mask, {}, true);
  teacher.train(was_training);
  return TakeInternals(encoded, framed.mask);
}

}  // namespace kdbench
