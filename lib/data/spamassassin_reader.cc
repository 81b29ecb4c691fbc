#include "lib/data/spamassassin_reader.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "lib/data/email_text.h"
#include "lib/util/atomic_file.h"
#include "lib/util/directory_listing.h"
#include "lib/util/status_macros.h"

namespace kdbench {
namespace {

// The manifest (datasets/spamassassin.json) lists the same subsets; its
// counts are checked by the bootstrap and, through this table, here.
const SpamAssassinSubset kSubsets[] = {
    {"easy-ham-1", 0, 2500}, {"easy-ham-2", 0, 1400}, {"hard-ham-1", 0, 250},
    {"spam-1", 1, 500},      {"spam-2", 1, 1396},
};

}  // namespace

absl::StatusOr<Corpus> ReadSpamAssassin(const std::string& root) {
  namespace fs = std::filesystem;
  Corpus corpus;
  corpus.dataset = "spamassassin";
  corpus.label_names = {"ham", "spam"};
  for (const SpamAssassinSubset& subset : kSubsets) {
    const fs::path dir = fs::path(root) / "data" / subset.name;
    std::error_code error;
    if (!fs::is_directory(dir, error)) {
      return absl::NotFoundError(absl::StrCat(
          dir.string(), " is missing: the SpamAssassin corpus is not installed "
                        "(run ./kdbench bootstrap)"));
    }
    const std::vector<std::string> files = SortedFilesEndingWith(dir.string(), ".txt");
    if (static_cast<int>(files.size()) != subset.expected_files) {
      return absl::DataLossError(absl::StrCat(
          dir.string(), ": ", files.size(), " emails, expected ",
          subset.expected_files, " (damaged install? delete ", root,
          " and run ./kdbench bootstrap)"));
    }
    for (const std::string& file : files) {
      ASSIGN_OR_RETURN(std::string raw, ReadFileToString(file));
      absl::StatusOr<EmailText> email = ParseEmailText(raw);
      if (!email.ok()) {
        corpus.Skip(absl::StrCat(file, ": ", email.status().message()));
        continue;
      }
      std::string text = email->Combined();
      if (absl::StripAsciiWhitespace(text).empty()) {
        corpus.Skip(absl::StrCat(file, ": no text"));
        continue;
      }
      corpus.train.push_back(Example{std::move(text), subset.label, file});
    }
  }
  return corpus;
}

}  // namespace kdbench
