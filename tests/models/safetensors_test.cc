#include "lib/models/safetensors.h"

#include <torch/torch.h>

#include <string>

#include "gtest/gtest.h"
#include "lib/util/atomic_file.h"

namespace kdbench {
namespace {

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

// A file from a header JSON and a data region, the length prefix computed.
std::string RawFile(const std::string& header, const std::string& data) {
  std::string file;
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  return file + header + data;
}

absl::Status ParseStatus(const std::string& file) {
  return ParseSafetensorsHeader(file, file.size(), "t.safetensors").status();
}

TEST(SafetensorsTest, RoundTripOfEveryWrittenDtype) {
  torch::manual_seed(0);
  std::vector<std::pair<std::string, at::Tensor>> tensors = {
      {"f32", torch::randn({3, 5})},
      {"f16", torch::randn({4}).to(torch::kFloat16)},
      {"bf16", torch::randn({2, 2}).to(torch::kBFloat16)},
      {"i64", torch::arange(6, torch::kLong).view({2, 3})},
      {"scalar", torch::tensor(2.5f)},
      {"empty", torch::empty({0, 7})},
      {"strided", torch::randn({4, 6}).t()},
  };
  const std::string path = TempPath("round.safetensors");
  ASSERT_TRUE(WriteSafetensors(path, tensors, {{"format", "pt"}}).ok());
  absl::StatusOr<SafetensorsFile> file = SafetensorsFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->header().metadata.at("format"), "pt");
  EXPECT_EQ(file->header().data_offset % 8, 0u);  // header padded to 8 bytes
  for (const auto& [name, original] : tensors) {
    absl::StatusOr<at::Tensor> loaded = file->Tensor(name);
    ASSERT_TRUE(loaded.ok()) << name;
    at::Tensor expected = original.is_floating_point() ? original.to(torch::kFloat32) : original;
    EXPECT_TRUE(loaded->equal(expected)) << name;
  }
  EXPECT_EQ(file->Tensor("absent").status().code(), absl::StatusCode::kNotFound);
}

TEST(SafetensorsTest, WriterRejectsDuplicateNames) {
  EXPECT_FALSE(WriteSafetensors(TempPath("dup.safetensors"),
                                {{"a", torch::zeros({1})}, {"a", torch::zeros({1})}})
                   .ok());
}

TEST(SafetensorsTest, MalformedFilesAreRefusedWithReasons) {
  const std::string f32x2 = std::string(8, '\0');
  struct Case {
    std::string file;
    std::string message;
  };
  std::string huge_length(8, '\0');
  huge_length[5] = 0x10;  // 2^44-byte header
  for (const Case& c : std::vector<Case>{
           {"abc", "shorter than 8 bytes"},
           {huge_length + "{}", "exceeds the limit"},
           {RawFile("{}", "").substr(0, 9), "runs past the end"},
           {RawFile("[1,2]", ""), "header is not a JSON object"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", f32x2),
            "header is not a JSON object"},
           {RawFile("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", f32x2),
            "unsupported dtype Q7"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", f32x2),
            "non-integer or negative"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", f32x2),
            "outside the 8-byte data region"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", f32x2),
            "need 12"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                    "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                    f32x2),
            "overlaps"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32x2),
            "unused bytes before"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f32x2),
            "unused bytes after"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
                    "\"data_offsets\":[0,8]}}",
                    f32x2),
            "shape larger than the file"},
           {RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", f32x2), "data_offsets must be"},
           {RawFile("{\"__metadata__\":{\"k\":1}}", ""), "is not a string"},
       }) {
    absl::Status status = ParseStatus(c.file);
    ASSERT_FALSE(status.ok()) << c.message;
    EXPECT_NE(status.message().find(c.message), absl::string_view::npos)
        << status << " (wanted: " << c.message << ")";
  }
}

TEST(SafetensorsTest, PickleCheckpointIsRefusedWithConversionAdvice) {
  const std::string path = TempPath("pytorch_model.bin");
  ASSERT_TRUE(WriteFileAtomically(path, std::string("PK\x03\x04rest of a zip", 17)).ok());
  absl::StatusOr<SafetensorsFile> file = SafetensorsFile::Open(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("pickle"), absl::string_view::npos);
  EXPECT_NE(file.status().message().find("save_file"), absl::string_view::npos);
}

TEST(SafetensorsTest, TruncatedFileIsDetected) {
  const std::string path = TempPath("truncated.safetensors");
  ASSERT_TRUE(WriteSafetensors(path, {{"w", torch::randn({64})}}).ok());
  std::string bytes = *ReadFileToString(path);
  ASSERT_TRUE(WriteFileAtomically(path, bytes.substr(0, bytes.size() - 10)).ok());
  absl::StatusOr<SafetensorsFile> file = SafetensorsFile::Open(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("truncated.safetensors"), absl::string_view::npos);
}

}  // namespace
}  // namespace kdbench
