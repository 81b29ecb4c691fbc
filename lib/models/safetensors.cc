#include "lib/models/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

struct DtypeInfo {
  const char* name;
  int bytes;
  c10::ScalarType type;
};

const DtypeInfo kDtypes[] = {
    {"F64", 8, c10::ScalarType::Double}, {"F32", 4, c10::ScalarType::Float},
    {"F16", 2, c10::ScalarType::Half},   {"BF16", 2, c10::ScalarType::BFloat16},
    {"I64", 8, c10::ScalarType::Long},   {"I32", 4, c10::ScalarType::Int},
    {"I16", 2, c10::ScalarType::Short},  {"I8", 1, c10::ScalarType::Char},
    {"U8", 1, c10::ScalarType::Byte},    {"BOOL", 1, c10::ScalarType::Bool},
};

const DtypeInfo* FindDtype(absl::string_view name) {
  for (const DtypeInfo& info : kDtypes) {
    if (name == info.name) return &info;
  }
  return nullptr;
}

const DtypeInfo* FindDtype(c10::ScalarType type) {
  for (const DtypeInfo& info : kDtypes) {
    if (type == info.type) return &info;
  }
  return nullptr;
}

uint64_t ReadLittleEndian64(const unsigned char* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | bytes[i];
  return value;
}

absl::Status Malformed(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ": not a valid safetensors file: ", what));
}

// Pickle (torch.save) archives are zip files or start with the pickle
// protocol opcode 0x80.
bool LooksLikePickle(absl::string_view prefix) {
  return absl::StartsWith(prefix, "PK\x03\x04") ||
         (!prefix.empty() && static_cast<unsigned char>(prefix[0]) == 0x80);
}

}  // namespace

absl::StatusOr<SafetensorsHeader> ParseSafetensorsHeader(
    absl::string_view prefix, uint64_t file_size, absl::string_view source) {
  if (LooksLikePickle(prefix)) {
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        ": this is a PyTorch pickle checkpoint (e.g. pytorch_model.bin). "
        "Pickle files can run code when loaded and are refused; convert it "
        "to model.safetensors (Python: safetensors.torch.save_file("
        "torch.load(path), 'model.safetensors'))"));
  }
  if (file_size < 8 || prefix.size() < 8) return Malformed(source, "shorter than 8 bytes");
  const uint64_t header_size =
      ReadLittleEndian64(reinterpret_cast<const unsigned char*>(prefix.data()));
  if (header_size > kMaxSafetensorsHeaderBytes) {
    return Malformed(source, absl::StrCat("header of ", header_size,
                                          " bytes exceeds the limit of ",
                                          kMaxSafetensorsHeaderBytes));
  }
  if (header_size > file_size - 8) {
    return Malformed(source, absl::StrCat("header of ", header_size,
                                          " bytes runs past the end of the ",
                                          file_size, "-byte file"));
  }
  if (prefix.size() < 8 + header_size) {
    return Malformed(source, "truncated header");
  }
  nlohmann::json json = nlohmann::json::parse(
      prefix.substr(8, header_size), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return Malformed(source, "header is not a JSON object");
  }
  SafetensorsHeader header;
  header.data_offset = 8 + header_size;
  const uint64_t data_size = file_size - header.data_offset;
  for (const auto& [name, value] : json.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) return Malformed(source, "__metadata__ is not an object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) {
          return Malformed(source, absl::StrCat("__metadata__ value of '", key,
                                                "' is not a string"));
        }
        header.metadata[key] = text.get<std::string>();
      }
      continue;
    }
    // A copy: C++17 lambdas cannot capture structured bindings (clang refuses).
    const std::string tensor_name = name;
    auto bad = [&](absl::string_view what) {
      return Malformed(source, absl::StrCat("tensor '", tensor_name, "': ", what));
    };
    if (!value.is_object()) return bad("entry is not an object");
    SafetensorsEntry entry;
    entry.name = name;
    auto dtype = value.find("dtype");
    if (dtype == value.end() || !dtype->is_string()) return bad("no dtype");
    entry.dtype = dtype->get<std::string>();
    const DtypeInfo* info = FindDtype(entry.dtype);
    if (info == nullptr) return bad(absl::StrCat("unsupported dtype ", entry.dtype));
    auto shape = value.find("shape");
    if (shape == value.end() || !shape->is_array()) return bad("no shape");
    uint64_t elements = 1;
    for (const auto& dimension : *shape) {
      if (!dimension.is_number_unsigned()) return bad("shape has a non-integer or negative size");
      const uint64_t size = dimension.get<uint64_t>();
      // Overflow-safe: a product beyond the data region cannot be valid.
      if (size != 0 && elements > data_size / size) return bad("shape larger than the file");
      elements *= size;
      entry.shape.push_back(static_cast<int64_t>(size));
    }
    auto offsets = value.find("data_offsets");
    if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
      return bad("data_offsets must be two non-negative integers");
    }
    entry.begin = (*offsets)[0].get<uint64_t>();
    entry.end = (*offsets)[1].get<uint64_t>();
    if (entry.begin > entry.end || entry.end > data_size) {
      return bad(absl::StrCat("data_offsets [", entry.begin, ", ", entry.end,
                              "] outside the ", data_size, "-byte data region"));
    }
    if (entry.end - entry.begin != elements * static_cast<uint64_t>(info->bytes)) {
      return bad(absl::StrCat("data_offsets span ", entry.end - entry.begin,
                              " bytes but shape and dtype need ",
                              elements * static_cast<uint64_t>(info->bytes)));
    }
    header.entries.push_back(std::move(entry));
  }
  std::sort(header.entries.begin(), header.entries.end(),
            [](const SafetensorsEntry& a, const SafetensorsEntry& b) {
              return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
            });
  // The data region is covered exactly: no overlaps, no holes.
  uint64_t expected = 0;
  for (const SafetensorsEntry& entry : header.entries) {
    if (entry.begin < expected) {
      return Malformed(source, absl::StrCat("tensor '", entry.name,
                                            "' overlaps the previous tensor"));
    }
    if (entry.begin > expected) {
      return Malformed(source, absl::StrCat("unused bytes before tensor '",
                                            entry.name, "'"));
    }
    expected = entry.end;
  }
  if (expected != data_size) {
    return Malformed(source, absl::StrCat(data_size - expected,
                                          " unused bytes after the last tensor"));
  }
  return header;
}

absl::StatusOr<SafetensorsFile> SafetensorsFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return absl::FailedPreconditionError(absl::StrCat(path, ": not a regular file"));
  }
  const size_t size = static_cast<size_t>(info.st_size);
  void* mapping = nullptr;
  if (size > 0) {
    mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  }
  ::close(fd);
  if (mapping == MAP_FAILED) {
    return absl::InternalError(absl::StrCat("cannot map ", path, ": ", std::strerror(errno)));
  }
  SafetensorsFile file;
  file.path_ = path;
  file.mapping_ = static_cast<const uint8_t*>(mapping);
  file.mapping_size_ = size;
  absl::StatusOr<SafetensorsHeader> header = ParseSafetensorsHeader(
      absl::string_view(reinterpret_cast<const char*>(file.mapping_), size), size, path);
  if (!header.ok()) return header.status();  // ~SafetensorsFile unmaps
  file.header_ = *std::move(header);
  return file;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept {
  *this = std::move(other);
}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    header_ = std::move(other.header_);
    mapping_ = other.mapping_;
    mapping_size_ = other.mapping_size_;
    other.mapping_ = nullptr;
    other.mapping_size_ = 0;
  }
  return *this;
}

SafetensorsFile::~SafetensorsFile() { Release(); }

void SafetensorsFile::Release() {
  if (mapping_ != nullptr) {
    ::munmap(const_cast<uint8_t*>(mapping_), mapping_size_);
    mapping_ = nullptr;
  }
}

bool SafetensorsFile::Contains(absl::string_view name) const {
  for (const SafetensorsEntry& entry : header_.entries) {
    if (entry.name == name) return true;
  }
  return false;
}

absl::StatusOr<at::Tensor> SafetensorsFile::Tensor(absl::string_view name) const {
  for (const SafetensorsEntry& entry : header_.entries) {
    if (entry.name != name) continue;
    const DtypeInfo* info = FindDtype(entry.dtype);
    at::Tensor tensor = torch::empty(entry.shape, torch::TensorOptions().dtype(info->type));
    // memcpy, not from_blob: the data region need not be aligned.
    if (entry.end > entry.begin) {
      std::memcpy(tensor.data_ptr(), mapping_ + header_.data_offset + entry.begin,
                  entry.end - entry.begin);
    }
    if (tensor.is_floating_point() && tensor.scalar_type() != torch::kFloat32) {
      tensor = tensor.to(torch::kFloat32);
    }
    return tensor;
  }
  return absl::NotFoundError(absl::StrCat(path_, ": no tensor named '", name, "'"));
}

absl::Status WriteSafetensors(
    const std::string& path,
    const std::vector<std::pair<std::string, at::Tensor>>& tensors,
    const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::set<std::string> names;
  std::vector<at::Tensor> contiguous;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    if (!names.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate tensor name '", name, "'"));
    }
    const DtypeInfo* info = FindDtype(tensor.scalar_type());
    if (info == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor '", name, "': unsupported dtype ", c10::toString(tensor.scalar_type())));
    }
    at::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
    const uint64_t bytes = static_cast<uint64_t>(cpu.numel()) * info->bytes;
    header[name] = {{"dtype", info->name},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    contiguous.push_back(cpu);
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  std::string file;
  file.reserve(8 + header_text.size() + offset);
  uint64_t header_size = header_text.size();
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((header_size >> (8 * i)) & 0xff));
  file += header_text;
  for (const at::Tensor& tensor : contiguous) {
    file.append(static_cast<const char*>(tensor.data_ptr()),
                static_cast<size_t>(tensor.numel()) * tensor.element_size());
  }
  return WriteFileAtomically(path, file);
}

}  // namespace kdbench
