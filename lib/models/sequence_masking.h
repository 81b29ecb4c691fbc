// Padding-aware operations on batches of sequences [batch, time, ...] with
// per-row lengths, shared by the students.
#ifndef KDBENCH_LIB_MODELS_SEQUENCE_MASKING_H_
#define KDBENCH_LIB_MODELS_SEQUENCE_MASKING_H_

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace kdbench {

// Max over time of `outputs` [batch, time, features] where `mask` [batch,
// time] is true; rows with no true position give zeros.
at::Tensor MaskedMaxPool(const at::Tensor& outputs, const at::Tensor& mask);

// Reverses each row of `sequences` [batch, time, ...] within its first
// lengths[b] positions; later (padding) positions stay where they are.
// Applying it twice gives the input back.
at::Tensor ReverseWithinLengths(const at::Tensor& sequences, const at::Tensor& lengths);

// [batch, time] bool: position < length.
at::Tensor LengthMask(const at::Tensor& lengths, int64_t time);

// A batch framed as BERT reads it: [CLS], the first max_total - 2 ids of
// each row, [SEP], then `pad`; `mask` is true on those real positions.
struct FramedBatch {
  at::Tensor ids;   // [batch, min(time, max_total - 2) + 2] int64
  at::Tensor mask;  // same shape, bool
};
FramedBatch FrameWithClsSep(const at::Tensor& ids, const at::Tensor& lengths, int64_t cls_id,
                            int64_t sep_id, int64_t pad_id, int64_t max_total);

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_SEQUENCE_MASKING_H_
