#include "lib/distill/teacher_output_cache.h"

#include <torch/torch.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "lib/util/atomic_file.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

// A stand-in teacher: outputs are a fixed function of the text, and every
// call is counted.
struct FakeTeacher {
  int64_t examples_computed = 0;
  absl::StatusOr<CachedTeacherOutputs> operator()(const std::vector<std::string>& texts) {
    examples_computed += static_cast<int64_t>(texts.size());
    const auto n = static_cast<int64_t>(texts.size());
    CachedTeacherOutputs outputs;
    outputs.logits = torch::empty({n, 2});
    outputs.cls = torch::empty({n, 4});
    for (int64_t i = 0; i < n; ++i) {
      const double length = static_cast<double>(texts[i].size());
      outputs.logits[i] = torch::tensor({length, -length});
      outputs.cls[i] = torch::full({4}, length / 10.0);
    }
    outputs.probabilities = torch::softmax(outputs.logits, 1);
    outputs.log_odds = outputs.logits * 2;
    outputs.pooled = outputs.cls * 3;
    return outputs;
  }
};

class TeacherOutputCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::testing::TempDir() + "/cache_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
  }
  TeacherOutputCacheKey key_{"teacher-sha", "vocab-sha", 128};
  std::string root_;
};

TEST_F(TeacherOutputCacheTest, SecondRunMakesNoForwardPasses) {
  FakeTeacher teacher;
  auto compute = [&teacher](const std::vector<std::string>& t) { return teacher(t); };
  std::vector<std::string> texts = {"a", "bb", "ccc", "bb"};
  {
    absl::StatusOr<TeacherOutputCache> cache = TeacherOutputCache::Open(root_, key_);
    ASSERT_TRUE(cache.ok()) << cache.status();
    absl::StatusOr<CachedTeacherOutputs> outputs = cache->GetOrCompute(texts, compute);
    ASSERT_TRUE(outputs.ok()) << outputs.status();
    EXPECT_EQ(cache->counters().computed, 3);  // the duplicate is computed once
    EXPECT_EQ(cache->counters().reused, 1);
    EXPECT_DOUBLE_EQ(outputs->logits[3][0].item<double>(), 2.0);
  }
  absl::StatusOr<TeacherOutputCache> reopened = TeacherOutputCache::Open(root_, key_);
  ASSERT_TRUE(reopened.ok());
  absl::StatusOr<CachedTeacherOutputs> again = reopened->GetOrCompute({"ccc", "a", "dddd"}, compute);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(reopened->counters().computed, 1);  // only "dddd"
  EXPECT_EQ(reopened->counters().reused, 2);
  EXPECT_EQ(teacher.examples_computed, 4);
  EXPECT_FLOAT_EQ(again->pooled[0][0].item<float>(), 0.9f);  // stored as float32
  EXPECT_DOUBLE_EQ(again->logits[2][1].item<double>(), -4.0);
}

TEST_F(TeacherOutputCacheTest, LargeRequestsAreSplitIntoBoundedChunks) {
  FakeTeacher teacher;
  auto compute = [&teacher](const std::vector<std::string>& t) { return teacher(t); };
  std::vector<std::string> texts;
  for (int i = 0; i < 20000; ++i) texts.push_back("text " + std::to_string(i));
  std::string directory;
  {
    auto cache = TeacherOutputCache::Open(root_, key_);
    ASSERT_TRUE(cache->GetOrCompute(texts, compute).ok());
    directory = cache->directory();
  }
  int chunks = 0;
  for (const auto& entry : fs::directory_iterator(directory)) chunks += entry.path().extension() == ".safetensors";
  EXPECT_EQ(chunks, 2);  // 16,384 + 3,616
  auto reopened = TeacherOutputCache::Open(root_, key_);
  absl::StatusOr<CachedTeacherOutputs> outputs = reopened->GetOrCompute(texts, compute);
  ASSERT_TRUE(outputs.ok());
  EXPECT_EQ(reopened->counters().computed, 0);
  EXPECT_EQ(reopened->counters().reused, 20000);
  EXPECT_DOUBLE_EQ(outputs->logits[19999][0].item<double>(), 10.0);  // "text 19999"
}

TEST_F(TeacherOutputCacheTest, DifferentTeacherOrTokenizerOrLengthIsAnotherStore) {
  FakeTeacher teacher;
  auto compute = [&teacher](const std::vector<std::string>& t) { return teacher(t); };
  auto a = TeacherOutputCache::Open(root_, key_);
  ASSERT_TRUE(a->GetOrCompute({"x"}, compute).ok());
  for (TeacherOutputCacheKey other : {TeacherOutputCacheKey{"other", "vocab-sha", 128},
                                      TeacherOutputCacheKey{"teacher-sha", "other", 128},
                                      TeacherOutputCacheKey{"teacher-sha", "vocab-sha", 64}}) {
    auto b = TeacherOutputCache::Open(root_, other);
    ASSERT_TRUE(b.ok());
    EXPECT_NE(b->directory(), a->directory());
    EXPECT_EQ(b->size(), 0);
  }
}

void DamageFirstChunk(const std::string& directory, bool truncate) {
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".safetensors") continue;
    std::string bytes = *ReadFileToString(entry.path());
    if (truncate) {
      bytes.resize(bytes.size() - 5);
    } else {
      bytes[bytes.size() - 3] ^= 0x40;  // one bit in the last tensor's data
    }
    ASSERT_TRUE(WriteFileAtomically(entry.path(), bytes).ok());
    return;
  }
}

TEST_F(TeacherOutputCacheTest, CorruptOrTruncatedChunksAreDetectedAndRecomputed) {
  for (bool truncate : {false, true}) {
    fs::remove_all(root_);
    FakeTeacher teacher;
    auto compute = [&teacher](const std::vector<std::string>& t) { return teacher(t); };
    std::string directory;
    {
      auto cache = TeacherOutputCache::Open(root_, key_);
      ASSERT_TRUE(cache->GetOrCompute({"one", "two"}, compute).ok());
      directory = cache->directory();
    }
    DamageFirstChunk(directory, truncate);
    auto reopened = TeacherOutputCache::Open(root_, key_);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(reopened->counters().corrupt_chunks, 1) << "truncate=" << truncate;
    EXPECT_EQ(reopened->size(), 0);
    absl::StatusOr<CachedTeacherOutputs> outputs = reopened->GetOrCompute({"one", "two"}, compute);
    ASSERT_TRUE(outputs.ok());
    EXPECT_EQ(reopened->counters().computed, 2);
    EXPECT_DOUBLE_EQ(outputs->logits[1][0].item<double>(), 3.0);  // correct values again
  }
}

}  // namespace
}  // namespace kdbench
