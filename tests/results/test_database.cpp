// The shared fixtures of the results tests (see test_database.h).
#include "test_database.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace rbench::results::testing {

std::string fresh_database_path(const std::string& name) {
  const char* tmp = std::getenv("RBENCH_TEST_TMP");
  const std::filesystem::path folder = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / "results";
  std::filesystem::create_directories(folder);
  const std::filesystem::path path = folder / (name + ".sqlite");
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path.string() + suffix);
  return path.string();
}

// Designated initializers construct the strings in place (assigning short literals trips GCC 12's
// -Wrestrict false alarm).
ModelRecord make_model(const std::string& path) {
  return ModelRecord{.path = path,
                     .architecture = "sambay",
                     .config_sha256 = std::string(64, 'c'),
                     .weights_sha256 = std::string(64, 'w'),
                     .n_params = 1234567};
}

RunRecord make_run(int64_t model_id) {
  return RunRecord{.model_id = model_id,
                   .suite = "default",
                   .sampling_json = R"({"temperature": 0.6, "top_p": 0.95, "max_tokens": 32768})",
                   .seed = 7,
                   .git_commit = "0123456789abcdef0123456789abcdef01234567",
                   .harness_version = "0.1.0",
                   .device = "cpu",
                   .started_at = {},
                   .finished_at = {},
                   .command_line = {}};
}

SampleRecord make_sample(int64_t run_id, const std::string& task, const std::string& problem_id, int64_t index) {
  return SampleRecord{.run_id = run_id,
                      .task = task,
                      .task_version = "v1",
                      .dataset_sha256 = std::string(64, 'd'),
                      .problem_id = problem_id,
                      .sample_index = index,
                      .seed = 1000 + index,
                      .prompt = R"([{"role":"user","content":"What is 1+1?"}])",
                      .completion = "1+1 = \\boxed{2}",
                      .n_prompt_tokens = 12,
                      .n_completion_tokens = 8,
                      .finish_reason = "stop",
                      .error = {},
                      .prefill_seconds = 0.01,
                      .decode_seconds = 0.08,
                      .created_at = {}};
}

GradeRecord make_grade(const std::string& extracted, bool correct, const std::string& rule) {
  return GradeRecord{.grader = "math",
                     .grader_version = "v1",
                     .rule = rule,
                     .extracted = extracted,
                     .correct = correct,
                     .reason = correct ? "equal" : "different",
                     .gold = "2"};
}

void store_problem(Database& db, int64_t run, const std::string& task, const std::string& problem,
                   const std::vector<Planned>& samples, const std::string& grader, const std::string& rule) {
  for (size_t i = 0; i < samples.size(); ++i) {
    SampleRecord sample = make_sample(run, task, problem, static_cast<int64_t>(i));
    if (samples[i].answer == "-") {
      sample.finish_reason = "error";
      sample.error = "out of memory";
      db.insert_sample(sample);
      continue;
    }
    GradeRecord grade = make_grade(samples[i].answer, samples[i].correct, rule);
    grade.grader = grader;
    db.insert_sample_with_grades(sample, {grade});
  }
}

RawConnection::RawConnection(const std::string& path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
  }
}

RawConnection::~RawConnection() { sqlite3_close(db_); }

int RawConnection::execute(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }

int64_t RawConnection::query_int(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    throw std::runtime_error("query '" + sql + "' failed: " + message);
  }
  const int64_t value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

std::string RawConnection::query_text(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    throw std::runtime_error("query '" + sql + "' failed: " + message);
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  std::string value = text != nullptr ? text : "";
  sqlite3_finalize(stmt);
  return value;
}

}  // namespace rbench::results::testing
