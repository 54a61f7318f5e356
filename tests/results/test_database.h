// Shared fixtures of the results tests: fresh database paths under RBENCH_TEST_TMP, records filled with
// plausible values, and a raw SQLite connection for looking at the file behind the library's back.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "results/database.h"
#include "results/records.h"

namespace rbench::results::testing {

// A path for this test's database file, with any file of a previous run (and its -wal/-shm) removed.
std::string fresh_database_path(const std::string& name);

ModelRecord make_model(const std::string& path = "/models/tiny");
RunRecord make_run(int64_t model_id);
SampleRecord make_sample(int64_t run_id, const std::string& task, const std::string& problem_id, int64_t index);
GradeRecord make_grade(const std::string& extracted, bool correct, const std::string& rule = "boxed");

// One planned sample of store_problem: its extracted answer and verdict; answer "-" stores a failed
// generation (finish_reason "error") without a grade.
struct Planned {
  std::string answer;
  bool correct = false;
};

// Stores one problem's samples (index 0, 1, ...) with one grade each by (grader, rule).
void store_problem(Database& db, int64_t run, const std::string& task, const std::string& problem,
                   const std::vector<Planned>& samples, const std::string& grader, const std::string& rule);

// A raw connection (no migration), closed on destruction; throws std::runtime_error on failure.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  // Runs statements; returns the SQLite result code (so tests can expect SQLITE_BUSY) instead of throwing.
  int execute(const std::string& sql);
  int64_t query_int(const std::string& sql);
  std::string query_text(const std::string& sql);
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace rbench::results::testing
