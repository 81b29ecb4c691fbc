// The README's example of adding a dataset reader ("Adding a dataset
// reader"): the code between the markers is the README's, word for word
// (//tests/data:reader_readme_example_test checks); here it reads files by
// the dataset's name, with the manifest a repository of one's own would keep
// in datasets/.
#include "gtest/gtest.h"
#include "lib/data/dataset_registry.h"
#include "lib/data/splits.h"
#include "tests/data/test_files.h"

// [reader-example]
#include <fstream>

#include "absl/strings/str_cat.h"
#include "lib/data/dataset_reader.h"

// One file per class, PATH/LABEL.txt, one example per line. Everything is
// training data: the suite holds out test and dev splits (lib/data/splits.h).
absl::StatusOr<kdbench::Corpus> ReadLinesPerClass(const kdbench::DatasetManifest& manifest,
                                                  const std::string& path) {
  kdbench::Corpus corpus{.dataset = manifest.name, .label_names = manifest.label_names};
  for (int32_t label = 0; label < static_cast<int32_t>(manifest.label_names.size()); ++label) {
    const std::string file = absl::StrCat(path, "/", manifest.label_names[label], ".txt");
    std::ifstream in(file);
    if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot be read"));
    std::string line;
    for (int64_t number = 1; std::getline(in, line); ++number) {
      const std::string origin = absl::StrCat(file, ":", number);
      if (line.empty()) corpus.Skip(origin + ": empty line");
      else corpus.train.push_back({.text = line, .label = label, .origin = origin});
    }
  }
  return corpus;
}
KDBENCH_REGISTER_DATASET_READER("lines-per-class", ReadLinesPerClass);
// [/reader-example]

// What datasets/lines-per-class.json would hold.
static const bool kManifestRegistered = kdbench::RegisterDatasetManifest(R"({
  "name": "lines-per-class",
  "description": "the README's reader example",
  "source": {"kind": "user"},
  "license": "yours",
  "format": "PATH/LABEL.txt, one example per line",
  "label_names": ["cats", "dogs"],
  "splits": {"train": 12}
})");

namespace kdbench {
namespace {

std::string TwoClasses(const std::string& name, int per_class) {
  const std::string dir = testing::FreshDirectory(name);
  std::string cats, dogs;
  for (int i = 0; i < per_class; ++i) {
    absl::StrAppend(&cats, "a cat purrs ", i, "\n");
    absl::StrAppend(&dogs, "a dog barks ", i, "\n");
  }
  testing::WriteFile(dir + "/cats.txt", cats + "\n");
  testing::WriteFile(dir + "/dogs.txt", dogs);
  return dir;
}

TEST(ReaderExtensionExampleTest, ReadByNameInTheManifestsLabelOrder) {
  absl::StatusOr<Corpus> corpus = ReadDataset("lines-per-class", {.path = TwoClasses("lines", 6)});
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  ASSERT_EQ(corpus->train.size(), 12u);
  EXPECT_EQ(corpus->train[0].text, "a cat purrs 0");
  EXPECT_EQ(corpus->train[0].label, 0);
  EXPECT_EQ(corpus->train[6].label, 1);
  EXPECT_EQ(corpus->skipped, 1);  // the blank last line of cats.txt
  EXPECT_TRUE(corpus->warnings.empty());  // 12 train examples, as the manifest says
  absl::StatusOr<DataSplit> split = MakeSplit(*corpus, {.labels_per_class = 2});
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->train.size() + split->dev.size(), 4u);
  EXPECT_TRUE(split->test_is_held_out);
}

TEST(ReaderExtensionExampleTest, ErrorsNameTheFileAndTheDataset) {
  absl::StatusOr<Corpus> no_path = ReadDataset("lines-per-class", {});
  ASSERT_FALSE(no_path.ok());
  EXPECT_NE(no_path.status().message().find("dataset 'lines-per-class' is read from your copy"),
            std::string::npos)
      << no_path.status();
  const std::string dir = testing::FreshDirectory("lines_missing");
  testing::WriteFile(dir + "/cats.txt", "a cat\n");
  absl::StatusOr<Corpus> missing = ReadDataset("lines-per-class", {.path = dir});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir + "/dogs.txt: cannot be read"), std::string::npos)
      << missing.status();
}

}  // namespace
}  // namespace kdbench
