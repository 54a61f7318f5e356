// Reading what `rbench run` left in a database, for the crash-safety tests: the invariants that must hold after
// any kill (integrity_check ok, each planned sample at most once, every graded sample stored with both of its
// grades) and a comparable digest of a finished run (per-sample seed, completion, finish reason, verdicts, and
// the metrics), so a killed-and-resumed run can be compared with an uninterrupted one.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "evaluator/run_metrics.h"
#include "results/database.h"

namespace rbench::hardening {

// One SQL query returning a single integer, on a connection of its own (as a separate process would).
inline int64_t query_int(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + db_path + ": " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* statement = nullptr;
  int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW)
    value = sqlite3_column_int64(statement, 0);
  std::string message = sqlite3_errmsg(db);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (value < 0) throw std::runtime_error(db_path + ": " + sql + ": " + message);
  return value;
}

struct Invariants {
  std::string integrity;         // "ok" when PRAGMA integrity_check passes
  int64_t samples = 0;           // rows in samples
  int64_t distinct_samples = 0;  // distinct (run, task, problem, index)
  int64_t runs = 0;
  int64_t graded_without_both_grades = 0;  // samples with a completion but not exactly two grades
};

// The invariants of a database that may have just lost its writer to SIGKILL; a file that does not exist yet or
// has no tables yet reads as zero samples.
inline Invariants check_invariants(const std::string& db_path) {
  Invariants out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    out.integrity = "ok";  // nothing created yet
    return out;
  }
  sqlite3_busy_timeout(db, 10000);
  auto text_of = [&](const char* sql) {
    sqlite3_stmt* statement = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK) {
      while (sqlite3_step(statement) == SQLITE_ROW)
        result += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)) + std::string(";");
    } else {
      result = std::string("error: ") + sqlite3_errmsg(db);
    }
    sqlite3_finalize(statement);
    return result;
  };
  auto int_of = [&](const char* sql) -> int64_t {
    sqlite3_stmt* statement = nullptr;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
      v = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return v;
  };
  out.integrity = text_of("PRAGMA integrity_check");
  if (out.integrity == "ok;") out.integrity = "ok";
  out.samples = int_of("SELECT count(*) FROM samples");
  out.distinct_samples = int_of("SELECT count(*) FROM (SELECT DISTINCT run_id, task, problem_id, sample_index FROM samples)");
  out.runs = int_of("SELECT count(*) FROM runs");
  out.graded_without_both_grades = int_of(
      "SELECT count(*) FROM samples s WHERE s.finish_reason != 'error' AND "
      "(SELECT count(*) FROM grades g WHERE g.sample_id = s.id) != 2");
  sqlite3_close(db);
  return out;
}

using SampleKey = std::tuple<std::string, std::string, int64_t>;
using SampleDigest = std::tuple<int64_t, std::string, std::string, std::string>;  // seed, text, finish, verdicts

struct RunDigest {
  int64_t rows = 0;
  std::map<SampleKey, SampleDigest> samples;
  std::vector<std::pair<std::string, double>> metrics;
  std::string status;
};

// The digest of the database's only run (fails when there is not exactly one).
inline RunDigest digest_only_run(const std::string& db_path) {
  results::Database db(db_path);
  auto runs = db.list_runs();
  if (runs.size() != 1) throw std::runtime_error(db_path + " holds " + std::to_string(runs.size()) + " runs, not 1");
  const int64_t run_id = runs[0].id;
  RunDigest out;
  out.status = runs[0].status;
  std::map<int64_t, std::string> verdicts;
  for (const auto& g : db.grades_of(run_id))
    verdicts[g.sample_id] += g.rule + "=" + (g.correct ? "1" : "0") + ":" + g.extracted + ";";
  auto samples = db.samples_of(run_id);
  out.rows = static_cast<int64_t>(samples.size());
  for (const auto& s : samples)
    out.samples[{s.task, s.problem_id, s.sample_index}] = {s.seed, s.completion, s.finish_reason, verdicts[s.id]};
  for (const auto& t : evaluator::score_run(db, run_id).tasks)
    for (const auto& m : t.metrics) out.metrics.push_back({t.task + "/" + m.name, m.estimate.mean});
  return out;
}

}  // namespace rbench::hardening
