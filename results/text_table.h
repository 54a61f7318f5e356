// TextTable: rows of cells printed as aligned columns for the terminal (`rbench show`, `rbench compare`).
// Text columns align left, columns whose every body cell looks numeric align right.
#pragma once

#include <string>
#include <vector>

namespace rbench::results {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  // Throws std::invalid_argument when the row's width differs from the header's.
  void add_row(std::vector<std::string> cells);
  // The header, a rule of dashes, then the rows; columns separated by two spaces; ends with a newline.
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace rbench::results
