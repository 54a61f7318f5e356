// Column widths, alignment and rendering of TextTable.
#include "results/text_table.h"

#include <algorithm>
#include <stdexcept>

namespace rbench::results {
namespace {

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return true;  // an empty cell does not decide the alignment
  return std::all_of(cell.begin(), cell.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == '%' || c == 'e';
  });
}

// Display width in code points: UTF-8 continuation bytes take no column (good enough for "±").
size_t display_width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

void TextTable::add_row(std::vector<std::string> cells) {
  if (cells.size() != header_.size()) {
    throw std::invalid_argument("text table: row of " + std::to_string(cells.size()) + " cells under a header of " +
                                std::to_string(header_.size()));
  }
  rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
  const size_t n_columns = header_.size();
  std::vector<size_t> widths(n_columns);
  std::vector<bool> right_aligned(n_columns, !rows_.empty());
  for (size_t c = 0; c < n_columns; ++c) {
    widths[c] = display_width(header_[c]);
    for (const auto& row : rows_) {
      widths[c] = std::max(widths[c], display_width(row[c]));
      if (!looks_numeric(row[c])) right_aligned[c] = false;
    }
  }
  std::string out;
  const auto append_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t c = 0; c < n_columns; ++c) {
      const std::string padding(widths[c] - display_width(cells[c]), ' ');
      if (c > 0) line += "  ";
      line += right_aligned[c] ? padding + cells[c] : cells[c] + padding;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  };
  append_row(header_);
  size_t total = 0;
  for (size_t width : widths) total += width;
  out += std::string(total + 2 * (n_columns - 1), '-') + "\n";
  for (const auto& row : rows_) append_row(row);
  return out;
}

}  // namespace rbench::results
