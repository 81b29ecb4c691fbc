#include "lib/data/imdb_reader.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/directory_listing.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

namespace fs = std::filesystem;

absl::Status ReadReviews(const fs::path& dir, int32_t label, Corpus* corpus,
                         std::vector<Example>* out) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat(
        dir.string(), ": no such directory (expected the unpacked aclImdb)"));
  }
  const std::vector<std::string> files = SortedFilesEndingWith(dir.string(), ".txt");
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(std::string text, ReadFileToString(file));
    if (!IsValidUtf8(text)) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": invalid UTF-8"));
    }
    text = absl::StrReplaceAll(text, {{"<br />", "\n"}, {"<br/>", "\n"}});
    if (absl::StripAsciiWhitespace(text).empty()) {
      corpus->Skip(file + ": empty review");
      continue;
    }
    out->push_back(Example{std::move(text), label, file});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Corpus> ReadImdb(const std::string& directory) {
  Corpus corpus;
  corpus.dataset = "imdb";
  corpus.label_names = {"neg", "pos"};
  const fs::path root(directory);
  RETURN_IF_ERROR(ReadReviews(root / "train" / "neg", 0, &corpus, &corpus.train));
  RETURN_IF_ERROR(ReadReviews(root / "train" / "pos", 1, &corpus, &corpus.train));
  RETURN_IF_ERROR(ReadReviews(root / "test" / "neg", 0, &corpus, &corpus.test));
  RETURN_IF_ERROR(ReadReviews(root / "test" / "pos", 1, &corpus, &corpus.test));
  std::error_code error;
  if (fs::is_directory(root / "train" / "unsup", error)) {
    RETURN_IF_ERROR(ReadReviews(root / "train" / "unsup", kNoLabel, &corpus,
                                &corpus.unlabeled));
  }
  return corpus;
}

}  // namespace kdbench
