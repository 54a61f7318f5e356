// AIME reader (2024 and 2025 share the format): JSON lines with id, problem and an integer answer 0-999.
// Public copies write answers with or without leading zeros; the gold is the plain integer.
#include "tasks/readers.h"

#include "tasks/dataset_error.h"
#include "tasks/jsonl.h"
#include "tasks/source_file.h"
#include "tasks/unique_ids.h"

namespace rbench::tasks {
namespace {

std::string canonical_aime_answer(const std::string& raw, const std::string& source, std::size_t line) {
  const bool digits_only = !raw.empty() && raw.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || raw.size() > 3) {
    throw DatasetError::at(source, line, "field 'answer' should be an integer 0-999, found '" + raw + "'");
  }
  const auto first_nonzero = raw.find_first_not_of('0');
  return first_nonzero == std::string::npos ? "0" : raw.substr(first_nonzero);
}

}  // namespace

Task read_aime(const std::string& name, const std::filesystem::path& path) {
  const SourceFile file = read_source_file(path);
  const std::string source = path.string();
  Task task{name, std::string(kAimeVersion), "aime", source, file.sha256, {}};
  UniqueIds ids(source);
  for (const auto& record : parse_jsonl(file.bytes, source)) {
    nlohmann::json meta = nlohmann::json::object();
    for (const char* key : {"year", "contest", "problem_number", "url"}) {
      if (auto value = record.optional(key); !value.is_null()) meta[key] = std::move(value);
    }
    Problem problem{record.text("id"), record.text("problem"),
                    canonical_aime_answer(record.text("answer"), source, record.line()), std::move(meta)};
    ids.add(problem.id, record.line());
    task.problems.push_back(std::move(problem));
  }
  return task;
}

}  // namespace rbench::tasks
