// Line splitting and per-field checks for JSON Lines sources.
#include "tasks/jsonl.h"

#include "tasks/dataset_error.h"

namespace rbench::tasks {
namespace {

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

}  // namespace

std::string JsonlRecord::text(const std::string& field) const {
  const auto it = object_.find(field);
  if (it == object_.end()) throw DatasetError::at(source_, line_, "field '" + field + "' is missing");
  std::string value;
  if (it->is_string()) {
    value = it->get<std::string>();
  } else if (it->is_number_integer()) {
    value = it->dump();
  } else {
    throw DatasetError::at(source_, line_,
                           "field '" + field + "' should be a string, found " + std::string(it->type_name()));
  }
  if (is_blank(value)) throw DatasetError::at(source_, line_, "field '" + field + "' is empty");
  return value;
}

nlohmann::json JsonlRecord::optional(const std::string& field) const {
  const auto it = object_.find(field);
  return it == object_.end() ? nlohmann::json() : *it;
}

std::vector<JsonlRecord> parse_jsonl(std::string_view text, const std::string& source) {
  std::vector<JsonlRecord> records;
  std::size_t line = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++line;
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view content = text.substr(start, end - start);
    start = end + 1;
    if (is_blank(content)) continue;
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& e) {
      throw DatasetError::at(source, line, std::string("invalid JSON (truncated line?): ") + e.what());
    }
    if (!value.is_object()) {
      throw DatasetError::at(source, line, "expected a JSON object, found " + std::string(value.type_name()));
    }
    records.emplace_back(source, line, std::move(value));
  }
  if (records.empty()) throw DatasetError::at(source, 0, "empty file: no JSON records");
  return records;
}

}  // namespace rbench::tasks
