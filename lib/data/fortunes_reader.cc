#include "lib/data/fortunes_reader.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"

namespace kdbench {

absl::StatusOr<Corpus> ReadFortunes(const std::string& directory,
                                    const std::vector<std::string>& categories) {
  Corpus corpus;
  corpus.dataset = "fortunes";
  corpus.label_names = categories;
  for (size_t label = 0; label < categories.size(); ++label) {
    const std::string path = absl::StrCat(directory, "/", categories[label]);
    absl::StatusOr<std::string> text = ReadFileToString(path);
    if (!text.ok()) {
      return absl::NotFoundError(absl::StrCat(
          text.status().message(),
          " (fortunes category; install Debian's 'fortunes': ./kdbench bootstrap)"));
    }
    std::string entry;
    int line_number = 0, entry_start = 1;
    auto finish_entry = [&]() {
      std::string origin = absl::StrCat(path, ":", entry_start);
      if (absl::StripAsciiWhitespace(entry).empty()) {
        if (!entry.empty()) corpus.Skip(origin + ": blank entry");
      } else if (!IsValidUtf8(entry)) {
        corpus.Skip(origin + ": invalid UTF-8");
      } else {
        corpus.train.push_back(Example{std::string(absl::StripTrailingAsciiWhitespace(entry)),
                                       static_cast<int32_t>(label), origin});
      }
      entry.clear();
      entry_start = line_number + 1;
    };
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      ++line_number;
      if (line == "%") {
        finish_entry();
      } else {
        absl::StrAppend(&entry, line, "\n");
      }
    }
    finish_entry();
  }
  return corpus;
}

}  // namespace kdbench
