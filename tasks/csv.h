// A small RFC 4180 CSV parser: comma-separated fields, records ended by LF or CRLF, and fields in double
// quotes that may hold commas, line breaks and doubled quotes (""). GPQA's cells span lines, so a line-based
// reader breaks; every record keeps the line it starts on, for error messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rbench::tasks {

struct CsvRecord {
  std::size_t line;  // 1-based line on which the record starts
  std::vector<std::string> fields;
};

// Parses all of `text`. A UTF-8 byte-order mark at the start and empty lines between records are skipped.
// Throws DatasetError naming `source` and the line on an unterminated quoted field or a stray quote.
std::vector<CsvRecord> parse_csv(std::string_view text, const std::string& source);

}  // namespace rbench::tasks
