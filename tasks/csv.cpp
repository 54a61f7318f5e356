// The CSV state machine: one pass over the bytes, counting line breaks (including those inside quoted
// cells) so every record and every error knows its line.
#include "tasks/csv.h"

#include "tasks/dataset_error.h"

namespace rbench::tasks {

std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();

  auto at_line_end = [&](std::size_t pos) {
    return pos >= n || text[pos] == '\n' || (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n');
  };
  auto skip_line_end = [&](std::size_t& pos) {
    if (pos < n && text[pos] == '\r') ++pos;
    if (pos < n && text[pos] == '\n') {
      ++pos;
      ++line;
    }
  };

  while (i < n) {
    if (at_line_end(i)) {  // an empty line between records carries no data
      skip_line_end(i);
      continue;
    }
    CsvRecord record{line, {}};
    while (true) {  // one field per iteration
      std::string field;
      if (i < n && text[i] == '"') {
        const std::size_t opened_on = line;
        ++i;
        while (true) {
          if (i >= n) {
            throw DatasetError::at(source, record.line,
                                   "unterminated quoted field (opened on line " + std::to_string(opened_on) +
                                       ", field " + std::to_string(record.fields.size() + 1) + ")");
          }
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;  // closing quote
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (i < n && text[i] != ',' && !at_line_end(i)) {
          throw DatasetError::at(source, line,
                                 "unexpected character after closing quote in field " +
                                     std::to_string(record.fields.size() + 1) + " of the record starting on line " +
                                     std::to_string(record.line));
        }
      } else {
        while (i < n && text[i] != ',' && !at_line_end(i)) {
          if (text[i] == '"') {
            throw DatasetError::at(source, line,
                                   "stray double quote inside unquoted field " +
                                       std::to_string(record.fields.size() + 1));
          }
          field.push_back(text[i]);
          ++i;
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      skip_line_end(i);
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace rbench::tasks
