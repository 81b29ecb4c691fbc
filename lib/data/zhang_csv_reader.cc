#include "lib/data/zhang_csv_reader.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/data/csv_reader.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

absl::Status CheckClassesFile(const std::string& path,
                              const std::vector<std::string>& label_names) {
  if (!std::filesystem::exists(path)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) names.emplace_back(line);
  }
  if (names != label_names) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": classes [", absl::StrJoin(names, ", "),
        "] differ from the manifest's label order [",
        absl::StrJoin(label_names, ", "), "]"));
  }
  return absl::OkStatus();
}

absl::Status ReadSplit(const std::string& path, int num_classes,
                       std::vector<Example>* out) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  return ParseCsv(
      text, path,
      [&](const std::vector<std::string>& fields, int line) -> absl::Status {
        auto where = [&] { return absl::StrCat(path, ":", line); };
        if (fields.size() < 3) {
          return absl::InvalidArgumentError(absl::StrCat(
              where(), ": expected 3 fields (class, title, text), found ",
              fields.size()));
        }
        int label = 0;
        if (!absl::SimpleAtoi(fields[0], &label) || label < 1 ||
            label > num_classes) {
          return absl::InvalidArgumentError(
              absl::StrCat(where(), ": class '", fields[0],
                           "' is not an integer in 1..", num_classes));
        }
        // Some rows carry extra description columns; keep them all.
        std::vector<absl::string_view> body(fields.begin() + 2, fields.end());
        std::string joined =
            absl::StrCat(fields[1], "\n", absl::StrJoin(body, " "));
        if (!IsValidUtf8(joined)) {
          return absl::InvalidArgumentError(
              absl::StrCat(where(), ": invalid UTF-8"));
        }
        out->push_back(Example{std::move(joined), label - 1, where()});
        return absl::OkStatus();
      });
}

}  // namespace

absl::StatusOr<Corpus> ReadZhangCsv(
    const std::string& dataset, const std::string& directory,
    const std::vector<std::string>& label_names) {
  Corpus corpus;
  corpus.dataset = dataset;
  corpus.label_names = label_names;
  RETURN_IF_ERROR(CheckClassesFile(directory + "/classes.txt", label_names));
  const int num_classes = static_cast<int>(label_names.size());
  RETURN_IF_ERROR(ReadSplit(directory + "/train.csv", num_classes, &corpus.train));
  RETURN_IF_ERROR(ReadSplit(directory + "/test.csv", num_classes, &corpus.test));
  return corpus;
}

}  // namespace kdbench
