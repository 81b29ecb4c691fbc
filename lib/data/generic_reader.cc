#include "lib/data/generic_reader.h"

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/util/utf8.h"
#include "lib/util/atomic_file.h"
#include "lib/util/status_macros.h"
#include "nlohmann/json.hpp"

namespace kdbench {
namespace {

// A line before labels are resolved to ids.
struct RawLine {
  std::string text;
  std::string label;  // "" = unlabeled
  bool integer_label = false;
  std::string origin;
};

absl::Status ParseLines(GenericFormat format, absl::string_view content, const std::string& path,
                        std::vector<RawLine>* out) {
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(content, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_number);
    if (!IsValidUtf8(line)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": invalid UTF-8"));
    }
    RawLine raw;
    raw.origin = where;
    if (format == GenericFormat::kJsonLines) {
      nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
      if (object.is_discarded() || !object.is_object()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": not a JSON object"));
      }
      auto text = object.find("text");
      if (text == object.end() || !text->is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": no string field \"text\""));
      }
      raw.text = text->get<std::string>();
      auto label = object.find("label");
      if (label != object.end() && !label->is_null()) {
        if (label->is_string()) {
          raw.label = label->get<std::string>();
        } else if (label->is_number_integer() && label->get<int64_t>() >= 0 &&
                   label->get<int64_t>() < kMaxIntegerLabel) {
          raw.label = std::to_string(label->get<int64_t>());
          raw.integer_label = true;
        } else {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": \"label\" must be a string or an integer from 0 to ",
                           kMaxIntegerLabel - 1));
        }
      }
    } else {
      size_t tab = line.find('\t');
      if (tab == absl::string_view::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": expected label<TAB>text"));
      }
      raw.label = std::string(absl::StripAsciiWhitespace(line.substr(0, tab)));
      raw.text = std::string(line.substr(tab + 1));
      // Only canonical decimals are class ids: "007" or "+7" stay names.
      int64_t value;
      raw.integer_label = !raw.label.empty() && absl::SimpleAtoi(raw.label, &value) &&
                          value >= 0 && std::to_string(value) == raw.label;
      if (raw.integer_label && value >= kMaxIntegerLabel) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": integer label ", raw.label, " is too large; class ids go from 0 to ",
            kMaxIntegerLabel - 1));
      }
    }
    if (absl::StripAsciiWhitespace(raw.text).empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": empty text"));
    }
    out->push_back(std::move(raw));
  }
  return absl::OkStatus();
}

absl::StatusOr<Corpus> BuildCorpus(GenericFormat format, const std::string& path,
                                   std::map<std::string, std::vector<RawLine>>& splits);

}  // namespace

absl::StatusOr<Corpus> ReadGeneric(GenericFormat format,
                                   const std::string& path) {
  namespace fs = std::filesystem;
  const std::string extension =
      format == GenericFormat::kJsonLines ? ".jsonl" : ".tsv";
  std::map<std::string, std::vector<RawLine>> splits;  // split -> lines
  std::error_code error;
  if (fs::is_directory(path, error)) {
    const std::string train = path + "/train" + extension;
    if (!fs::exists(train)) {
      return absl::NotFoundError(
          absl::StrCat(path, ": no train", extension, " in this directory"));
    }
    for (const char* split : {"train", "test", "unlabeled"}) {
      const std::string file = absl::StrCat(path, "/", split, extension);
      if (!fs::exists(file)) continue;
      ASSIGN_OR_RETURN(std::string content, ReadFileToString(file));
      RETURN_IF_ERROR(ParseLines(format, content, file, &splits[split]));
    }
  } else {
    ASSIGN_OR_RETURN(std::string content, ReadFileToString(path));
    RETURN_IF_ERROR(ParseLines(format, content, path, &splits["train"]));
  }
  return BuildCorpus(format, path, splits);
}

absl::StatusOr<Corpus> ParseGeneric(GenericFormat format, absl::string_view content,
                                    const std::string& source) {
  std::map<std::string, std::vector<RawLine>> splits;
  RETURN_IF_ERROR(ParseLines(format, content, source, &splits["train"]));
  return BuildCorpus(format, source, splits);
}

namespace {

// Label ids, and the examples into their splits.
absl::StatusOr<Corpus> BuildCorpus(GenericFormat format, const std::string& path,
                                   std::map<std::string, std::vector<RawLine>>& splits) {

  std::set<std::string> names;
  bool any_integer = false, any_string = false;
  int64_t max_integer = -1;
  for (const auto& [split, lines] : splits) {
    for (const RawLine& line : lines) {
      if (line.label.empty()) continue;
      if (line.integer_label) {
        any_integer = true;
        int64_t value = 0;
        (void)absl::SimpleAtoi(line.label, &value);
        max_integer = std::max(max_integer, value);
      } else {
        any_string = true;
        names.insert(line.label);
      }
    }
  }
  if (any_integer && any_string) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": labels mix integers and names; use one kind throughout"));
  }
  Corpus corpus;
  corpus.dataset = format == GenericFormat::kJsonLines ? "jsonl" : "tsv";
  std::map<std::string, int32_t> ids;
  if (any_integer) {
    for (int64_t i = 0; i <= max_integer; ++i) {
      corpus.label_names.push_back(std::to_string(i));
      ids[std::to_string(i)] = static_cast<int32_t>(i);
    }
  } else {
    for (const std::string& name : names) {
      ids[name] = static_cast<int32_t>(corpus.label_names.size());
      corpus.label_names.push_back(name);
    }
  }
  for (auto& [split, lines] : splits) {
    for (RawLine& line : lines) {
      Example example{std::move(line.text), kNoLabel, std::move(line.origin)};
      if (!line.label.empty()) example.label = ids.at(line.label);
      if (split == "unlabeled" || example.label == kNoLabel) {
        example.label = kNoLabel;
        corpus.unlabeled.push_back(std::move(example));
      } else if (split == "test") {
        corpus.test.push_back(std::move(example));
      } else {
        corpus.train.push_back(std::move(example));
      }
    }
  }
  if (corpus.label_names.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": no labeled line (need a \"label\" on some lines)"));
  }
  return corpus;
}

}  // namespace
}  // namespace kdbench
