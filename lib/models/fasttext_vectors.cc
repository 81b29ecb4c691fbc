#include "lib/models/fasttext_vectors.h"

#include <fasttext/args.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace kdbench {

absl::StatusOr<WordVectors> TrainFastTextVectors(const std::vector<std::string>& documents,
                                                 const FastTextOptions& options) {
  if (documents.empty()) return absl::InvalidArgumentError("fastText: no training text");
  std::string directory = options.scratch_directory;
  if (directory.empty()) directory = std::filesystem::temp_directory_path().string();
  std::string pattern = directory + "/kdbench-fasttext-XXXXXX";
  const int descriptor = mkstemp(pattern.data());
  if (descriptor < 0) {
    return absl::InternalError(absl::StrCat("fastText: cannot create a scratch file in ", directory));
  }
  close(descriptor);
  const std::string path = pattern;
  {
    std::ofstream out(path);
    for (const std::string& document : documents) out << document << '\n';
    if (!out) {
      std::remove(path.c_str());
      return absl::InternalError(absl::StrCat("fastText: cannot write ", path));
    }
  }
  fasttext::Args args;
  args.input = path;
  args.model = fasttext::model_name::sg;
  args.dim = static_cast<int>(options.dimension);
  args.epoch = options.epochs;
  args.minCount = options.min_count;
  args.ws = options.window;
  args.thread = options.threads;
  args.seed = options.seed;
  args.verbose = 0;
  WordVectors result{.dimension = options.dimension};
  try {
    fasttext::FastText model;
    model.train(args);
    std::shared_ptr<const fasttext::Dictionary> dictionary = model.getDictionary();
    fasttext::Vector vector(options.dimension);
    for (int32_t id = 0; id < dictionary->nwords(); ++id) {
      const std::string word = dictionary->getWord(id);
      model.getWordVector(vector, word);
      result.vectors.emplace(word, std::vector<float>(vector.data(), vector.data() + vector.size()));
    }
  } catch (const std::exception& error) {
    std::remove(path.c_str());
    return absl::InternalError(absl::StrCat("fastText training failed: ", error.what()));
  }
  std::remove(path.c_str());
  return result;
}

}  // namespace kdbench
