#include "lib/distill/teacher_output_cache.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <cstring>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/models/safetensors.h"
#include "lib/util/atomic_file.h"
#include "lib/util/content_hash.h"
#include "lib/util/directory_listing.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunkRows = 16384;

const char* const kFields[] = {"logits", "probabilities", "log_odds", "cls", "pooled"};

at::Tensor& Field(CachedTeacherOutputs& outputs, absl::string_view name) {
  if (name == "logits") return outputs.logits;
  if (name == "probabilities") return outputs.probabilities;
  if (name == "log_odds") return outputs.log_odds;
  if (name == "cls") return outputs.cls;
  return outputs.pooled;
}

std::string RawSha256(absl::string_view text) { return absl::HexStringToBytes(Sha256Hex(text)); }

// SHA-256 over a chunk's tensors in file (offset) order, as stored in its
// metadata: flipped or truncated data no longer matches.
std::string ChunkChecksum(const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
  ContentHasher hasher("teacher-output-chunk/v1");
  for (const auto& [name, tensor] : tensors) {
    at::Tensor contiguous = tensor.contiguous();
    hasher.Add(name, absl::string_view(static_cast<const char*>(contiguous.data_ptr()),
                                       contiguous.numel() * contiguous.element_size()));
  }
  return hasher.HexDigest();
}

}  // namespace

absl::StatusOr<TeacherOutputCache> TeacherOutputCache::Open(const std::string& root,
                                                            const TeacherOutputCacheKey& key) {
  ContentHasher hasher("teacher-output-cache/v1");
  hasher.Add("teacher", key.teacher_hash)
      .Add("tokenizer", key.tokenizer_hash)
      .Add("max_length", key.max_length)
      .Add("computation", key.computation);
  TeacherOutputCache cache;
  cache.directory_ = absl::StrCat(root, "/", hasher.HexDigest());
  RETURN_IF_ERROR(CreateDirectories(cache.directory_));
  for (const std::string& path : SortedFilesEndingWith(cache.directory_, ".safetensors")) {
    absl::Status status = cache.IndexChunk(path);
    if (!status.ok()) {
      // Set the damaged chunk aside; its examples will be recomputed.
      std::error_code error;
      fs::rename(path, path + ".corrupt", error);
      ++cache.counters_.corrupt_chunks;
    }
  }
  return cache;
}

absl::Status TeacherOutputCache::IndexChunk(const std::string& path) {
  ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open(path));
  auto stored = file.header().metadata.find("checksum");
  if (stored == file.header().metadata.end()) {
    return absl::DataLossError(absl::StrCat(path, ": no checksum"));
  }
  // Shapes from the header; the data is read once, for the checksum.
  const int64_t rows = [&] {
    for (const SafetensorsEntry& entry : file.header().entries) {
      if (entry.name == "text_hash" && entry.shape.size() == 2 && entry.shape[1] == 32) {
        return entry.shape[0];
      }
    }
    return int64_t{-1};
  }();
  if (rows < 0) return absl::DataLossError(absl::StrCat(path, ": bad or missing text_hash"));
  for (const char* field : kFields) {
    if (!file.Contains(field)) {
      return absl::DataLossError(absl::StrCat(path, ": no ", field));
    }
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  at::Tensor hashes;
  for (const SafetensorsEntry& entry : file.header().entries) {
    if (entry.shape.size() != 2 || entry.shape[0] != rows) {
      return absl::DataLossError(absl::StrCat(path, ": bad ", entry.name, " shape"));
    }
    ASSIGN_OR_RETURN(at::Tensor tensor, file.Tensor(entry.name));
    if (entry.name == "text_hash") hashes = tensor;
    tensors.push_back({entry.name, std::move(tensor)});
  }
  if (ChunkChecksum(tensors) != stored->second) {
    return absl::DataLossError(absl::StrCat(path, ": checksum mismatch"));
  }
  const auto chunk = static_cast<int32_t>(chunks_.size());
  chunks_.push_back(path);
  const auto* bytes = hashes.data_ptr<uint8_t>();
  for (int64_t row = 0; row < rows; ++row) {
    index_[std::string(reinterpret_cast<const char*>(bytes + row * 32), 32)] = {chunk, row};
  }
  return absl::OkStatus();
}

absl::Status TeacherOutputCache::AppendChunk(const std::vector<std::string>& hashes,
                                             const CachedTeacherOutputs& outputs) {
  at::Tensor hash_tensor = torch::empty({static_cast<int64_t>(hashes.size()), 32}, torch::kUInt8);
  for (size_t row = 0; row < hashes.size(); ++row) {
    std::memcpy(hash_tensor.data_ptr<uint8_t>() + row * 32, hashes[row].data(), 32);
  }
  std::vector<std::pair<std::string, at::Tensor>> tensors = {{"text_hash", hash_tensor}};
  CachedTeacherOutputs copy = outputs;
  for (const char* field : kFields) {
    tensors.push_back({field, Field(copy, field).detach().to(torch::kCPU, torch::kFloat32).contiguous()});
  }
  // WriteSafetensors lays tensors out in the order given, which is the
  // file order IndexChunk checksums in.
  const std::string path = absl::StrCat(directory_, "/chunk-", chunks_.size(), "-",
                                        Sha256Hex(absl::StrCat(hashes.front(), hashes.size())).substr(0, 12),
                                        ".safetensors");
  RETURN_IF_ERROR(WriteSafetensors(path, tensors, {{"checksum", ChunkChecksum(tensors)}}));
  return IndexChunk(path);
}

absl::Status TeacherOutputCache::Complete(const std::vector<std::string>& texts,
                                          const ComputeFunction& compute) {
  std::vector<std::string> hashes;
  hashes.reserve(texts.size());
  for (const std::string& text : texts) hashes.push_back(RawSha256(text));
  return CompleteHashed(texts, hashes, compute);
}

absl::Status TeacherOutputCache::CompleteHashed(const std::vector<std::string>& texts,
                                                const std::vector<std::string>& hashes,
                                                const ComputeFunction& compute) {

  // Missing texts, each once.
  std::vector<std::string> missing_texts, missing_hashes;
  absl::flat_hash_map<std::string, bool> queued;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (index_.contains(hashes[i]) || queued.contains(hashes[i])) continue;
    queued[hashes[i]] = true;
    missing_texts.push_back(texts[i]);
    missing_hashes.push_back(hashes[i]);
  }
  if (!missing_texts.empty()) {
    // Bounded chunks: each is computed and written before the next, so an
    // interrupted run keeps what it finished and no chunk grows past a few
    // hundred MB at BERT Large's width.
    for (size_t begin = 0; begin < missing_texts.size(); begin += kChunkRows) {
      const size_t end = std::min(missing_texts.size(), begin + kChunkRows);
      std::vector<std::string> chunk_texts(missing_texts.begin() + begin, missing_texts.begin() + end);
      std::vector<std::string> chunk_hashes(missing_hashes.begin() + begin,
                                            missing_hashes.begin() + end);
      ASSIGN_OR_RETURN(CachedTeacherOutputs computed, compute(chunk_texts));
      if (computed.logits.size(0) != static_cast<int64_t>(chunk_texts.size())) {
        return absl::InternalError("teacher returned a different number of rows than texts");
      }
      RETURN_IF_ERROR(AppendChunk(chunk_hashes, computed));
      counters_.computed += static_cast<int64_t>(chunk_texts.size());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CachedTeacherOutputs> TeacherOutputCache::GetOrCompute(
    const std::vector<std::string>& texts, const ComputeFunction& compute) {
  if (texts.empty()) return CachedTeacherOutputs{};
  std::vector<std::string> hashes;
  hashes.reserve(texts.size());
  for (const std::string& text : texts) hashes.push_back(RawSha256(text));
  const int64_t computed_before = counters_.computed;
  RETURN_IF_ERROR(CompleteHashed(texts, hashes, compute));
  counters_.reused +=
      static_cast<int64_t>(texts.size()) - (counters_.computed - computed_before);

  // Gather rows chunk by chunk.
  std::map<int32_t, std::vector<std::pair<int64_t, int64_t>>> by_chunk;  // chunk -> (out, row)
  for (size_t i = 0; i < hashes.size(); ++i) {
    const Location& location = index_.at(hashes[i]);
    by_chunk[location.chunk].push_back({static_cast<int64_t>(i), location.row});
  }
  CachedTeacherOutputs result;
  for (const auto& [chunk, rows] : by_chunk) {
    ASSIGN_OR_RETURN(SafetensorsFile file, SafetensorsFile::Open(chunks_[chunk]));
    std::vector<int64_t> out_rows, chunk_rows;
    for (const auto& [out, row] : rows) {
      out_rows.push_back(out);
      chunk_rows.push_back(row);
    }
    at::Tensor out_index = torch::tensor(out_rows, torch::kLong);
    at::Tensor chunk_index = torch::tensor(chunk_rows, torch::kLong);
    for (const char* field : kFields) {
      ASSIGN_OR_RETURN(at::Tensor tensor, file.Tensor(field));
      at::Tensor& target = Field(result, field);
      if (!target.defined()) {
        target = torch::empty({static_cast<int64_t>(texts.size()), tensor.size(1)}, torch::kFloat32);
      }
      target.index_copy_(0, out_index, tensor.index_select(0, chunk_index));
    }
  }
  return result;
}

}  // namespace kdbench
