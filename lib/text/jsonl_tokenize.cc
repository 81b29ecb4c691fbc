#include "lib/text/jsonl_tokenize.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace kdbench {

JsonLinesTokenizer::JsonLinesTokenizer(const BertTokenizer* tokenizer)
    : tokenizer_(tokenizer) {
  const Vocabulary& vocabulary = tokenizer->vocabulary();
  quoted_tokens_.reserve(static_cast<size_t>(vocabulary.size()));
  for (int32_t id = 0; id < vocabulary.size(); ++id) {
    quoted_tokens_.push_back(nlohmann::json(vocabulary.Token(id)).dump());
  }
}

absl::StatusOr<TokenizeStreamStats> JsonLinesTokenizer::Run(
    std::istream& in, std::ostream& out, absl::string_view source_name) const {
  TokenizeStreamStats stats;
  std::string line, output;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    nlohmann::json object = nlohmann::json::parse(line, /*cb=*/nullptr,
                                                  /*allow_exceptions=*/false);
    auto where = [&] { return absl::StrCat(source_name, ":", line_number); };
    if (object.is_discarded()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": not valid JSON (or not valid UTF-8)"));
    }
    if (!object.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where(), ": expected a JSON object with a \"text\" field"));
    }
    auto text = object.find("text");
    if (text == object.end() || !text->is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), ": no string field \"text\""));
    }
    const std::string& value = text->get_ref<const std::string&>();
    std::vector<int32_t> ids = tokenizer_->Encode(value);
    output.assign("{\"tokens\":[");
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) output.push_back(',');
      output += quoted_tokens_[static_cast<size_t>(ids[i])];
    }
    output += "],\"ids\":[";
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i > 0) output.push_back(',');
      absl::StrAppend(&output, ids[i]);
    }
    output += "]}\n";
    out << output;
    ++stats.lines;
    stats.text_bytes += static_cast<int64_t>(value.size());
  }
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat(source_name, ": read error after line ", line_number));
  }
  return stats;
}

}  // namespace kdbench
