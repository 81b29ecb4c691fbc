// The safetensors checkpoint format, read and written by the suite:
//   8 bytes   little-endian u64 N, the header length
//   N bytes   JSON: {"name": {"dtype": "F32", "shape": [..],
//                     "data_offsets": [begin, end]}, ..., "__metadata__": {..}}
//   rest      the tensors' raw little-endian bytes; offsets are relative to
//             the start of this region, which they must cover exactly.
// A checkpoint is untrusted input: the header size is bounded, every offset
// and shape is checked against the file before any tensor is touched, and
// nothing in it is ever executed (unlike pickle).
#ifndef KDBENCH_LIB_MODELS_SAFETENSORS_H_
#define KDBENCH_LIB_MODELS_SAFETENSORS_H_

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kdbench {

// Larger headers are refused before they are read (real ones are < 1 MB).
inline constexpr uint64_t kMaxSafetensorsHeaderBytes = 100ull << 20;

struct SafetensorsEntry {
  std::string name;
  std::string dtype;  // "F32", "F16", "BF16", "F64", "I64", "I32", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // offsets into the data region
  uint64_t end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // sorted by begin
  std::map<std::string, std::string> metadata;
  uint64_t data_offset = 0;  // 8 + header length
};

// Validates the header of a file of `file_size` bytes whose first bytes are
// `prefix` (at least 8 + header length of them, or all of a shorter file).
// `source` names the file in errors. Pure: the fuzzers call it directly.
absl::StatusOr<SafetensorsHeader> ParseSafetensorsHeader(
    absl::string_view prefix, uint64_t file_size, absl::string_view source);

// A checkpoint opened for reading (memory-mapped).
class SafetensorsFile {
 public:
  // Errors name the file: missing, not safetensors (a pickle file such as
  // pytorch_model.bin gets a message saying how to convert it), malformed.
  static absl::StatusOr<SafetensorsFile> Open(const std::string& path);

  SafetensorsFile(SafetensorsFile&&) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
  ~SafetensorsFile();

  const SafetensorsHeader& header() const { return header_; }
  const std::string& path() const { return path_; }
  bool Contains(absl::string_view name) const;

  // The tensor as a new float32 CPU tensor (F16, BF16 and F64 converted);
  // integer dtypes keep theirs. NotFoundError for an absent name.
  absl::StatusOr<at::Tensor> Tensor(absl::string_view name) const;

 private:
  SafetensorsFile() = default;
  void Release();

  std::string path_;
  SafetensorsHeader header_;
  const uint8_t* mapping_ = nullptr;
  size_t mapping_size_ = 0;
};

// Writes tensors (float32, float16, bfloat16, float64, int64, int32 and
// bool; contiguous copies are made) atomically, header padded to 8 bytes
// as the reference implementation does. Names must be unique.
absl::Status WriteSafetensors(
    const std::string& path,
    const std::vector<std::pair<std::string, at::Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata = {});

}  // namespace kdbench

#endif  // KDBENCH_LIB_MODELS_SAFETENSORS_H_
