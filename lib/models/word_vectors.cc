#include "lib/models/word_vectors.h"

#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kdbench {

absl::StatusOr<WordVectors> ReadWordVectorsText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the word-vector file"));
  WordVectors result;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    int64_t count = 0, dimension = 0;
    if (line_number == 1 && fields.size() == 2 && absl::SimpleAtoi(fields[0], &count) &&
        absl::SimpleAtoi(fields[1], &dimension)) {
      result.dimension = dimension;  // word2vec header
      continue;
    }
    const auto width = static_cast<int64_t>(fields.size()) - 1;
    if (width < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": a word with no vector"));
    }
    if (result.dimension == 0) result.dimension = width;
    if (width != result.dimension) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_number, ": ", width,
                                                     " values where the file has ",
                                                     result.dimension));
    }
    std::vector<float> vector(width);
    for (int64_t i = 0; i < width; ++i) {
      if (!absl::SimpleAtof(fields[i + 1], &vector[i]) || !std::isfinite(vector[i])) {
        return absl::InvalidArgumentError(absl::StrCat(path, ":", line_number, ": value ", i + 1,
                                                       " (\"", fields[i + 1],
                                                       "\") is not a finite number"));
      }
    }
    result.vectors.try_emplace(std::string(fields[0]), std::move(vector));
  }
  if (result.vectors.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": no word vectors in the file"));
  }
  return result;
}

absl::StatusOr<EmbeddingInitReport> InitializeEmbedding(const at::Tensor& weight,
                                                        const Vocabulary& vocabulary,
                                                        const WordVectors& vectors) {
  if (weight.dim() != 2 || weight.size(0) != vocabulary.size()) {
    return absl::InvalidArgumentError("embedding table and vocabulary sizes differ");
  }
  if (weight.size(1) != vectors.dimension) {
    return absl::InvalidArgumentError(absl::StrCat("word vectors have ", vectors.dimension,
                                                   " dimensions but the student's embedding has ",
                                                   weight.size(1)));
  }
  EmbeddingInitReport report{.total = vocabulary.size()};
  torch::NoGradGuard no_grad;
  for (int32_t id = 0; id < vocabulary.size(); ++id) {
    auto found = vectors.vectors.find(vocabulary.Token(id));
    if (found == vectors.vectors.end()) continue;
    weight[id].copy_(torch::tensor(found->second).to(weight.device()));
    ++report.covered;
  }
  return report;
}

}  // namespace kdbench
