#include "lib/data/wordnet_reader.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/content_hash.h"

namespace kdbench {
namespace {

// WordNet's lexicographer files of nouns by number (lexnames(5WN)): the
// second field of every data.noun line.
constexpr const char* kNounLexFiles[] = {
    "Tops",     "act",       "animal",     "artifact",   "attribute", "body",
    "cognition", "communication", "event", "feeling",    "food",      "group",
    "location", "motive",    "object",     "person",     "phenomenon", "plant",
    "possession", "process", "quantity",   "relation",   "shape",     "state",
    "substance", "time"};
constexpr int kFirstNounLexFile = 3;

struct Gloss {
  std::string offset;
  std::string text;
  std::string origin;
};

}  // namespace

absl::StatusOr<Corpus> ReadWordNetNouns(const WordNetOptions& options) {
  std::map<int, int32_t> label_of_file;  // lexicographer file number -> label
  for (size_t label = 0; label < options.classes.size(); ++label) {
    const auto* end = std::end(kNounLexFiles);
    const auto* found = std::find(std::begin(kNounLexFiles), end, options.classes[label]);
    if (found == end) {
      return absl::InvalidArgumentError(
          absl::StrCat("wordnet: unknown noun class '", options.classes[label],
                       "'; known: ", absl::StrJoin(kNounLexFiles, ", ")));
    }
    label_of_file[kFirstNounLexFile + static_cast<int>(found - std::begin(kNounLexFiles))] =
        static_cast<int32_t>(label);
  }
  const std::string path = options.directory + "/data.noun";
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat(
        text.status().message(),
        " (WordNet's noun data; install Debian's 'wordnet-base': ./kdbench bootstrap)"));
  }
  std::vector<std::vector<Gloss>> per_class(options.classes.size());
  std::map<std::string, int> copies;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    // The license header's lines start with two spaces; the file ends in "\n".
    if (line.empty() || absl::StartsWith(line, "  ")) continue;
    const std::string origin = absl::StrCat(path, ":", line_number);
    const size_t bar = line.find(" | ");
    std::vector<absl::string_view> fields = absl::StrSplit(line.substr(0, bar), ' ');
    int file_number = 0;
    if (bar == absl::string_view::npos || fields.size() < 4 ||
        !absl::SimpleAtoi(fields[1], &file_number)) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": not a data.noun synset line (offset, lexicographer file, "
                               "type, words, pointers, then ' | ' and the gloss)"));
    }
    auto label = label_of_file.find(file_number);
    if (label == label_of_file.end()) continue;
    std::string gloss(absl::StripAsciiWhitespace(line.substr(bar + 3)));
    if (gloss.empty() || !IsValidUtf8(gloss)) continue;
    ++copies[gloss];
    per_class[label->second].push_back({std::string(fields[0]), std::move(gloss), origin});
  }
  Corpus corpus;
  corpus.dataset = "wordnet";
  corpus.label_names = options.classes;
  for (size_t label = 0; label < per_class.size(); ++label) {
    std::vector<Gloss> kept;
    for (Gloss& gloss : per_class[label]) {
      if (copies[gloss.text] > 1) {
        corpus.Skip(gloss.origin + ": gloss shared with another synset");
      } else {
        kept.push_back(std::move(gloss));
      }
    }
    if (static_cast<int64_t>(kept.size()) <= options.test_per_class) {
      return absl::InvalidArgumentError(absl::StrCat(
          "wordnet: class '", options.classes[label], "' has ", kept.size(),
          " distinct glosses, not more than the ", options.test_per_class,
          " per class the balanced test split holds out"));
    }
    // The held-out order: a hash of the synset offset, fixed by the data.
    std::vector<std::pair<std::string, size_t>> order;
    for (size_t i = 0; i < kept.size(); ++i) order.push_back({Sha256Hex(kept[i].offset), i});
    std::sort(order.begin(), order.end());
    for (size_t rank = 0; rank < order.size(); ++rank) {
      Gloss& gloss = kept[order[rank].second];
      Example example{std::move(gloss.text), static_cast<int32_t>(label), gloss.origin};
      (static_cast<int64_t>(rank) < options.test_per_class ? corpus.test : corpus.train)
          .push_back(std::move(example));
    }
  }
  return corpus;
}

}  // namespace kdbench
