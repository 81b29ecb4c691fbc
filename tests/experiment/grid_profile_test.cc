#include "lib/experiment/grid_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "lib/util/atomic_file.h"

namespace kdbench {
namespace {

using ::testing::HasSubstr;

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  EXPECT_TRUE(WriteFileAtomically(path, text).ok());
  return path;
}

constexpr char kProfiles[] = R"([mini]
datasets = ["spamassassin", "fortunes"]
seeds = 3
pretrain_epochs = 5
max_epochs = 4
finetune_learning_rate = 3e-4

[mini.teacher.large]
teacher_size = "large"
pretrain_epochs = 3

[mini.dataset.fortunes]
pretrain_epochs = 10
max_epochs = 6

[mini.dataset.fortunes.teacher.large]
pretrain_epochs = 8

[paper]
datasets = ["imdb", "elec"]
required = ["path", "teacher_checkpoint"]
)";

TEST(GridProfileTest, TheMostSpecificSettingWins) {
  absl::StatusOr<GridProfile> profile = LoadGridProfile(Write("p1.toml", kProfiles), "mini", "");
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->seeds(), 3);
  EXPECT_EQ(profile->datasets(), (std::vector<std::string>{"spamassassin", "fortunes"}));
  EXPECT_EQ(profile->Resolve("spamassassin", "base").pretrain_epochs, 5);
  EXPECT_EQ(profile->Resolve("spamassassin", "large").pretrain_epochs, 3);
  EXPECT_EQ(profile->Resolve("spamassassin", "large").teacher_size, "large");
  EXPECT_EQ(profile->Resolve("fortunes", "base").pretrain_epochs, 10);
  EXPECT_EQ(profile->Resolve("fortunes", "large").pretrain_epochs, 8);
  EXPECT_EQ(profile->Resolve("fortunes", "large").max_epochs, 6);
  EXPECT_DOUBLE_EQ(profile->Resolve("fortunes", "large").finetune_learning_rate, 3e-4);
  EXPECT_EQ(profile->Resolve("spamassassin", "base").teacher_size, "base");  // the default
}

TEST(GridProfileTest, AUserFileOverridesAndSuppliesWhatThePaperProfileRequires) {
  const std::string profiles = Write("p2.toml", kProfiles);
  absl::StatusOr<GridProfile> bare = LoadGridProfile(profiles, "paper", "");
  ASSERT_TRUE(bare.ok()) << bare.status();
  const std::vector<std::string> missing = bare->Missing({"imdb", "elec"}, {"base", "large"});
  ASSERT_EQ(missing.size(), 4u);
  EXPECT_THAT(missing[0], HasSubstr("the files of dataset 'imdb': add"));
  EXPECT_THAT(missing[2], HasSubstr("[teacher.base]\n    teacher_checkpoint ="));

  const std::string user = Write("user.toml", R"([dataset.imdb]
path = "/data/imdb"
[dataset.elec]
path = "/data/elec"
[teacher.base]
teacher_checkpoint = "/models/base"
[teacher.large]
teacher_checkpoint = "/models/large"
)");
  absl::StatusOr<GridProfile> given = LoadGridProfile(profiles, "paper", user);
  ASSERT_TRUE(given.ok()) << given.status();
  EXPECT_TRUE(given->Missing({"imdb", "elec"}, {"base", "large"}).empty());
  EXPECT_EQ(given->Resolve("imdb", "large").path, "/data/imdb");
  EXPECT_EQ(given->Resolve("imdb", "large").teacher_checkpoint, "/models/large");
}

TEST(GridProfileTest, ErrorsNameTheFileLineAndAllowedValues) {
  const std::string profiles = Write("p3.toml", kProfiles);
  absl::StatusOr<GridProfile> unknown = LoadGridProfile(profiles, "maxi", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("unknown profile 'maxi'; known ("));
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("mini, paper"));

  const std::string typo = Write("p4.toml", "[mini]\ndatasets = [\"fortunes\"]\nmax_epoch = 3\n");
  absl::StatusOr<GridProfile> bad_key = LoadGridProfile(typo, "mini", "");
  ASSERT_FALSE(bad_key.ok());
  EXPECT_THAT(std::string(bad_key.status().message()),
              HasSubstr("p4.toml:3: unknown key 'max_epoch' in [mini]; allowed: "));

  const std::string type = Write("p5.toml", "[mini]\ndatasets = [\"fortunes\"]\nmax_epochs = \"3\"\n");
  absl::StatusOr<GridProfile> bad_type = LoadGridProfile(type, "mini", "");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_THAT(std::string(bad_type.status().message()),
              HasSubstr("p5.toml:3: 'max_epochs' must be an integer"));

  const std::string role = Write("p6.toml", "[mini]\ndatasets = [\"fortunes\"]\n[mini.teacher.huge]\n");
  absl::StatusOr<GridProfile> bad_role = LoadGridProfile(role, "mini", "");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_THAT(std::string(bad_role.status().message()),
              HasSubstr("p6.toml:3: unknown key 'huge' in [mini].teacher; allowed: base, large"));

  const std::string dataset = Write("p7.toml", "[mini]\ndatasets = [\"fortune\"]\n");
  absl::StatusOr<GridProfile> bad_dataset = LoadGridProfile(dataset, "mini", "");
  ASSERT_FALSE(bad_dataset.ok());
  EXPECT_THAT(std::string(bad_dataset.status().message()),
              HasSubstr("p7.toml:2: 'datasets' has unknown value 'fortune'"));

  const std::string rate = Write("p8.toml", "[mini]\ndatasets = [\"fortunes\"]\nrecurrent_dropout = 1.0\n");
  absl::StatusOr<GridProfile> bad_rate = LoadGridProfile(rate, "mini", "");
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_THAT(std::string(bad_rate.status().message()),
              HasSubstr("p8.toml:3: 'recurrent_dropout' must be below 1"));

  // Names a cell would reject only after the teachers trained fail at load.
  const std::pair<std::string, std::string> choices[] = {
      {"optimizer = \"sgd\"",
       "p9.toml:3: 'optimizer' must be one of: adadelta, adam"},
      {"teacher_size = \"huge\"",
       "p9.toml:3: 'teacher_size' must be one of: tiny, base, large"},
      {"student_size = \"xl\"",
       "p9.toml:3: 'student_size' must be one of: tiny, mini, paper"},
      {"teacher_precision = \"float16\"",
       "p9.toml:3: 'teacher_precision' must be one of: float32, bfloat16, "
       "auto"},
      {"student_precision = \"int8\"",
       "p9.toml:3: 'student_precision' must be one of: float32, bfloat16, auto"},
      {"word_vectors = \"/no/such/vectors.bin\"",
       "p9.toml:3: 'word_vectors' = \"/no/such/vectors.bin\": no such file"}};
  for (const auto& [line, message] : choices) {
    const std::string file =
        Write("p9.toml", "[mini]\ndatasets = [\"fortunes\"]\n" + line + "\n");
    absl::StatusOr<GridProfile> bad = LoadGridProfile(file, "mini", "");
    ASSERT_FALSE(bad.ok()) << line;
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr(message));
  }
}

TEST(GridProfileTest, TheShippedProfilesLoad) {
  for (const char* name : {"mini", "smoke", "paper"}) {
    absl::StatusOr<GridProfile> profile =
        LoadGridProfile("benchmarks/grids/profiles.toml", name, "");
    EXPECT_TRUE(profile.ok()) << name << ": " << profile.status();
  }
}

}  // namespace
}  // namespace kdbench
