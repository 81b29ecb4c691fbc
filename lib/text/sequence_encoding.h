// Model inputs from token ids: [CLS] ... [SEP] with truncation, and padded
// batches as tensors (ids, lengths, mask) for the teachers and students.
#ifndef KDBENCH_LIB_TEXT_SEQUENCE_ENCODING_H_
#define KDBENCH_LIB_TEXT_SEQUENCE_ENCODING_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace kdbench {

// [CLS] + ids + [SEP], the ids truncated so that the whole is at most
// `max_length` (>= 2) long.
std::vector<int32_t> WithSpecialTokens(const std::vector<int32_t>& ids,
                                       int32_t cls_id, int32_t sep_id,
                                       int64_t max_length);

// Truncates to at most `max_length` ids (students without special tokens).
std::vector<int32_t> Truncated(const std::vector<int32_t>& ids,
                               int64_t max_length);

struct PaddedBatch {
  at::Tensor ids;      // [batch, longest] int64, padded with pad_id
  at::Tensor lengths;  // [batch] int64
  at::Tensor mask;     // [batch, longest] bool, true on real tokens
};

// Pads to the longest sequence of the batch (not to a global maximum: with
// length-bucketed batches that is where the padding savings come from).
// Empty sequences get length 0 and an all-false mask row.
PaddedBatch PadBatch(const std::vector<std::vector<int32_t>>& sequences,
                     int32_t pad_id);

}  // namespace kdbench

#endif  // KDBENCH_LIB_TEXT_SEQUENCE_ENCODING_H_
