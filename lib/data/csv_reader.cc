#include "lib/data/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace kdbench {

absl::Status ParseCsv(
    absl::string_view text, absl::string_view source,
    const std::function<absl::Status(const std::vector<std::string>& fields,
                                     int line)>& on_record) {
  std::vector<std::string> fields;
  std::string field;
  int line = 1, record_line = 1;
  size_t i = 0;
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", line, ": malformed CSV: ", what));
  };
  while (i < text.size()) {
    // Start of a field.
    field.clear();
    if (text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) {
          line = record_line;
          return error("unterminated quoted field");
        }
        char c = text[i++];
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            field.push_back('"');
            ++i;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
        }
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        return error("text after a closing quote");
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\n' &&
             !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        if (text[i] == '"') return error("quote inside an unquoted field");
        field.push_back(text[i++]);
      }
    }
    fields.push_back(field);
    if (i < text.size() && text[i] == ',') {
      ++i;
      if (i == text.size()) fields.emplace_back();  // trailing empty field
      continue;
    }
    // End of record.
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    absl::Status status = on_record(fields, record_line);
    if (!status.ok()) return status;
    fields.clear();
    ++line;
    record_line = line;
  }
  return absl::OkStatus();
}

}  // namespace kdbench
