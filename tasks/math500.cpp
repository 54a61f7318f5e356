// MATH-500 reader: the prm800k test split as JSON lines. The worked `solution` gives the answer away, so it
// is neither kept nor ever put in a prompt.
#include "tasks/readers.h"

#include "tasks/dataset_error.h"
#include "tasks/jsonl.h"
#include "tasks/source_file.h"
#include "tasks/unique_ids.h"

namespace rbench::tasks {

Task read_math500(const std::filesystem::path& path) {
  const SourceFile file = read_source_file(path);
  const std::string source = path.string();
  Task task{"math500", std::string(kMath500Version), "math", source, file.sha256, {}};
  UniqueIds ids(source);
  for (const auto& record : parse_jsonl(file.bytes, source)) {
    Problem problem{record.text("unique_id"), record.text("problem"), record.text("answer"),
                    {{"subject", record.text("subject")}, {"level", record.optional("level")}}};
    ids.add(problem.id, record.line());
    task.problems.push_back(std::move(problem));
  }
  return task;
}

}  // namespace rbench::tasks
