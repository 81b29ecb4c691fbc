#include "lib/data/elec_reader.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/directory_listing.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

absl::StatusOr<std::vector<std::string>> ReadLines(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].empty() && lines[i].back() == '\r') lines[i].pop_back();
    if (!IsValidUtf8(lines[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", i + 1, ": invalid UTF-8"));
    }
  }
  return lines;
}

absl::Status ReadLabeled(const std::string& stem, Corpus* corpus,
                         std::vector<Example>* out) {
  const std::string text_path = stem + ".txt", label_path = stem + ".cat";
  ASSIGN_OR_RETURN(std::vector<std::string> texts, ReadLines(text_path));
  ASSIGN_OR_RETURN(std::vector<std::string> labels, ReadLines(label_path));
  if (texts.size() != labels.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(text_path, " has ", texts.size(), " lines but ",
                     label_path, " has ", labels.size()));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    absl::string_view value = absl::StripAsciiWhitespace(labels[i]);
    if (value != "1" && value != "2") {
      return absl::InvalidArgumentError(absl::StrCat(
          label_path, ":", i + 1, ": label '", value, "' is not 1 or 2"));
    }
    std::string origin = absl::StrCat(text_path, ":", i + 1);
    if (absl::StripAsciiWhitespace(texts[i]).empty()) {
      corpus->Skip(origin + ": empty review");
      continue;
    }
    out->push_back(Example{std::move(texts[i]), value == "1" ? 0 : 1, origin});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Corpus> ReadElec(const std::string& directory) {
  namespace fs = std::filesystem;
  Corpus corpus;
  corpus.dataset = "elec";
  corpus.label_names = {"negative", "positive"};
  RETURN_IF_ERROR(ReadLabeled(directory + "/elec-25k-train", &corpus, &corpus.train));
  RETURN_IF_ERROR(ReadLabeled(directory + "/elec-test", &corpus, &corpus.test));
  std::vector<std::string> unlabeled_files;
  for (const std::string& file : SortedFilesEndingWith(directory, ".txt")) {
    if (absl::StrContains(fs::path(file).filename().string(), "unlab")) {
      unlabeled_files.push_back(file);
    }
  }
  for (const std::string& file : unlabeled_files) {
    ASSIGN_OR_RETURN(std::vector<std::string> lines, ReadLines(file));
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string origin = absl::StrCat(file, ":", i + 1);
      if (absl::StripAsciiWhitespace(lines[i]).empty()) {
        corpus.Skip(origin + ": empty review");
        continue;
      }
      corpus.unlabeled.push_back(Example{std::move(lines[i]), kNoLabel, origin});
    }
  }
  return corpus;
}

}  // namespace kdbench
