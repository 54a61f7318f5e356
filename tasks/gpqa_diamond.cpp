// GPQA Diamond reader: the CSV (78 columns, cells spanning lines) read straight out of the encrypted
// dataset.zip, or from an extracted gpqa_diamond.csv. Only the question, the correct answer, the three
// distractors, the record id and the domain columns are used; surrounding whitespace is stripped, as the
// data README asks, before the options are built.
#include <algorithm>
#include <array>
#include <unordered_map>

#include "tasks/csv.h"
#include "tasks/dataset_error.h"
#include "tasks/readers.h"
#include "tasks/source_file.h"
#include "tasks/unique_ids.h"
#include "tasks/zip_member.h"

namespace rbench::tasks {
namespace {

constexpr std::array<const char*, 8> kRequiredColumns = {
    "Question",           "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2",
    "Incorrect Answer 3", "Record ID",      "High-level domain",  "Subdomain"};

std::string strip(const std::string& s) {
  const char* kSpace = " \t\r\n\v\f";
  const auto begin = s.find_first_not_of(kSpace);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

Task gpqa_task(const std::filesystem::path& path, const std::string& sha256, std::vector<Problem> problems) {
  return Task{"gpqa_diamond", std::string(kGpqaDiamondVersion), "gpqa", path.string(), sha256, std::move(problems)};
}

}  // namespace

std::vector<Problem> parse_gpqa_diamond_csv(std::string_view text, const std::string& source) {
  const std::vector<CsvRecord> records = parse_csv(text, source);
  if (records.empty()) throw DatasetError::at(source, 0, "empty file: no CSV header");
  const CsvRecord& header = records.front();
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < header.fields.size(); ++i) column.emplace(strip(header.fields[i]), i);
  for (const char* name : kRequiredColumns) {
    if (!column.contains(name)) {
      throw DatasetError::at(source, header.line, std::string("CSV header lacks the column '") + name + "'");
    }
  }
  if (records.size() == 1) throw DatasetError::at(source, 0, "no problems after the CSV header");

  std::vector<Problem> problems;
  problems.reserve(records.size() - 1);
  UniqueIds ids(source);
  for (auto record = records.begin() + 1; record != records.end(); ++record) {
    if (record->fields.size() != header.fields.size()) {
      throw DatasetError::at(source, record->line,
                             "record has " + std::to_string(record->fields.size()) + " fields, the header has " +
                                 std::to_string(header.fields.size()));
    }
    auto cell = [&](const char* name) {
      std::string value = strip(record->fields[column.at(name)]);
      if (value.empty()) throw DatasetError::at(source, record->line, std::string("field '") + name + "' is empty");
      return value;
    };
    nlohmann::json options = {cell("Correct Answer"), cell("Incorrect Answer 1"), cell("Incorrect Answer 2"),
                              cell("Incorrect Answer 3")};
    // Two distractors may coincide (the README lists two such rows); the correct answer must stay unique
    // or the gold letter would be ambiguous.
    if (std::count(options.begin() + 1, options.end(), options[0]) != 0) {
      throw DatasetError::at(source, record->line, "field 'Correct Answer' equals one of the incorrect answers");
    }
    Problem problem{cell("Record ID"), cell("Question"), options[0].get<std::string>(),
                    {{"options", std::move(options)},
                     {"domain", cell("High-level domain")},
                     {"subdomain", cell("Subdomain")}}};
    ids.add(problem.id, record->line);
    problems.push_back(std::move(problem));
  }
  return problems;
}

Task read_gpqa_diamond_zip(const std::filesystem::path& zip_path, const std::string& password) {
  const SourceFile file = read_source_file(zip_path);  // the hash is of the archive as distributed
  const ZipMember member = read_zip_member(file, std::string(kGpqaDiamondMember), password);
  return gpqa_task(zip_path, file.sha256, parse_gpqa_diamond_csv(member.bytes, zip_path.string() + ":" + member.name));
}

Task read_gpqa_diamond_csv(const std::filesystem::path& csv_path) {
  const SourceFile file = read_source_file(csv_path);
  return gpqa_task(csv_path, file.sha256, parse_gpqa_diamond_csv(file.bytes, csv_path.string()));
}

}  // namespace rbench::tasks
