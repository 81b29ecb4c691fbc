#include "lib/experiment/teacher_stages.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "lib/models/bert.h"
#include "lib/text/vocabulary.h"

namespace kdbench {
namespace {

LoadedTeacher TinyTeacher() {
  BertConfig config;
  config.vocab_size = 12;
  // Sizes where BLAS picks its kernels by shape (tiny matrices would hide
  // the effect this test is about).
  config.hidden_size = 128;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.intermediate_size = 512;
  config.max_position_embeddings = 48;
  config.labels = {"ham", "spam"};
  torch::manual_seed(7);
  absl::StatusOr<Vocabulary> vocabulary = Vocabulary::FromTokens(
      {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "free", "money", "now", "meeting", "at",
       "noon", "call"},
      "test");
  EXPECT_TRUE(vocabulary.ok()) << vocabulary.status();
  LoadedTeacher loaded{.model = BertTeacher(config),
                       .vocabulary = *std::move(vocabulary),
                       .checkpoint_hash = "tiny-teacher"};
  return loaded;
}

// Cached outputs must not depend on which texts were computed together:
// cells ask for overlapping transfer sets in whatever order the workers run
// them, and a rerun must give the same numbers.
TEST(TeacherOutputsThroughCacheTest, OutputsDoNotDependOnWhichCellAskedFirst) {
  const LoadedTeacher teacher = TinyTeacher();
  // Texts of many lengths, so that batches of different make-up have
  // different shapes.
  const std::vector<std::string> words = {"free", "money", "now", "meeting", "at", "noon", "call"};
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    std::string text;
    for (int j = 0; j <= (i * 7) % 41; ++j) text += words[(i + j * 3) % words.size()] + " ";
    texts.push_back(text);
  }
  const std::string root = std::string(std::getenv("TEST_TMPDIR"));
  absl::StatusOr<CachedTeacherRun> together =
      TeacherOutputsThroughCache(teacher, texts, texts, 48, root + "/together",
                                 8, TrainingPrecision::kFloat32, torch::kCPU);
  ASSERT_TRUE(together.ok()) << together.status();
  EXPECT_EQ(together->counters.computed, 40);

  // The other cache is first asked for two texts alone: the whole pool is
  // computed then, in the same batches, and the later request reuses it.
  absl::StatusOr<CachedTeacherRun> first = TeacherOutputsThroughCache(
      teacher, texts, {texts[5], texts[2]}, 48, root + "/apart", 8,
      TrainingPrecision::kFloat32, torch::kCPU);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->counters.computed, 40);
  EXPECT_EQ(first->outputs.logits.size(0), 2);
  absl::StatusOr<CachedTeacherRun> apart =
      TeacherOutputsThroughCache(teacher, texts, texts, 48, root + "/apart", 8,
                                 TrainingPrecision::kFloat32, torch::kCPU);
  ASSERT_TRUE(apart.ok()) << apart.status();
  EXPECT_EQ(apart->counters.computed, 0);
  EXPECT_EQ(apart->counters.reused, 40);
  EXPECT_TRUE(torch::equal(together->outputs.logits, apart->outputs.logits))
      << together->outputs.logits - apart->outputs.logits;
  EXPECT_TRUE(torch::equal(together->outputs.cls, apart->outputs.cls));
  EXPECT_TRUE(torch::equal(together->outputs.pooled, apart->outputs.pooled));
  EXPECT_TRUE(torch::isfinite(together->outputs.logits).all().item<bool>());
}

// Outputs computed in bfloat16 are other numbers: they are cached apart and
// never served for a float32 request (or the reverse).
TEST(TeacherOutputsThroughCacheTest, ThePrecisionIsPartOfTheCacheKey) {
  const LoadedTeacher teacher = TinyTeacher();
  const std::vector<std::string> texts = {"free money now", "meeting at noon",
                                          "call now"};
  const std::string root =
      std::string(std::getenv("TEST_TMPDIR")) + "/precisions";
  absl::StatusOr<CachedTeacherRun> exact =
      TeacherOutputsThroughCache(teacher, texts, texts, 48, root, 8,
                                 TrainingPrecision::kFloat32, torch::kCPU);
  ASSERT_TRUE(exact.ok()) << exact.status();
  absl::StatusOr<CachedTeacherRun> mixed =
      TeacherOutputsThroughCache(teacher, texts, texts, 48, root, 8,
                                 TrainingPrecision::kBFloat16, torch::kCPU);
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  // The shared teacher's own precision is left as it was.
  EXPECT_EQ(teacher.model->precision(), TrainingPrecision::kFloat32);
  EXPECT_EQ(mixed->counters.computed, 3);
  EXPECT_NE(mixed->cache_directory, exact->cache_directory);
  EXPECT_EQ(mixed->outputs.logits.scalar_type(), torch::kFloat32);
  EXPECT_FALSE(torch::equal(mixed->outputs.cls, exact->outputs.cls));
  EXPECT_TRUE(
      torch::allclose(mixed->outputs.cls, exact->outputs.cls, 0.05, 0.05));
  absl::StatusOr<CachedTeacherRun> again =
      TeacherOutputsThroughCache(teacher, texts, texts, 48, root, 8,
                                 TrainingPrecision::kFloat32, torch::kCPU);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->counters.computed, 0);
  EXPECT_TRUE(torch::equal(again->outputs.cls, exact->outputs.cls));
}

TEST(CheckTeacherLabelsTest, NamesAndOrderMustMatchTheDataset) {
  EXPECT_TRUE(CheckTeacherLabels({"ham", "spam"}, "t", "spamassassin", {"ham", "spam"}).ok());
  // Same count, other order: distillation would teach inverted labels.
  absl::Status swapped = CheckTeacherLabels({"spam", "ham"}, "teachers/x", "spamassassin",
                                            {"ham", "spam"});
  ASSERT_FALSE(swapped.ok());
  EXPECT_EQ(std::string(swapped.message()),
            "teachers/x: the teacher's classes [spam, ham] differ from dataset 'spamassassin''s "
            "[ham, spam]; names and order must match (config.json id2label)");
  EXPECT_FALSE(CheckTeacherLabels({"neg", "pos"}, "t", "spamassassin", {"ham", "spam"}).ok());
}

}  // namespace
}  // namespace kdbench
