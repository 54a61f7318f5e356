// Database: the results store of rbench, one SQLite file (or ":memory:") per evaluation history. Opening it
// enables WAL, foreign keys and a busy timeout, and migrates the schema (results/migrations.h). Every write is
// one transaction; inserts are idempotent on the tables' natural keys, so a resumed or repeated run never
// duplicates a sample or a grade. Queries return the plain records of results/records.h.
//
// One Database is one SQLite connection: use one per thread. Several processes may share a file; a writer
// that finds the file locked waits up to the busy timeout, then throws DatabaseError ("database is locked").
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "results/database_error.h"
#include "results/records.h"

namespace rbench::results {

struct OpenOptions {
  // How long a write waits for another connection's write transaction before "database is locked".
  std::chrono::milliseconds busy_timeout{5000};
  // A cap on the file size in pages (PRAGMA max_page_count); unset: SQLite's default. Tests use it to
  // simulate a full disk.
  std::optional<int64_t> max_page_count;
  // true: PRAGMA synchronous = FULL, every commit waits for an fsync of the WAL (5-6 ms each on the dev VM:
  // 165-200 samples/s, against ~1700-2600 without; tests/results/results_bench.cpp). false (default): NORMAL,
  // the setting SQLite recommends with WAL: never corrupt, and a commit survives a crash of the process, but
  // the last commits may roll back on a power loss or OS crash; a resumed run then generates them again.
  bool fsync_every_commit = false;
};

class Database {
 public:
  // Opens (creating if needed) and migrates. Throws DatabaseError naming the path on any failure, including
  // a file written by a newer rbench.
  explicit Database(const std::string& path, const OpenOptions& options = {});
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  int schema_version() const;
  // "ok", or SQLite's list of problems (PRAGMA integrity_check).
  std::string integrity_check() const;

  // --- models ---
  // Inserts the model, or returns the id of the stored one with the same (path, weights_sha256).
  int64_t upsert_model(const ModelRecord& model);
  std::optional<ModelRecord> get_model(int64_t model_id) const;
  std::vector<ModelRecord> list_models() const;

  // --- runs ---
  // Inserts a new run and returns its id. sampling_json must be valid JSON; it is stored canonically
  // (keys sorted, no spaces) so find_run matches equal parameters written differently.
  int64_t insert_run(const RunRecord& run);
  // Sets the status; a status other than "running" also stamps finished_at (now), "running" clears it.
  void set_run_status(int64_t run_id, std::string_view status);
  // The most recent run with this identity, whatever its status: a caller resuming an interrupted run
  // continues it, a caller finding it complete has nothing to do.
  std::optional<RunRecord> find_run(int64_t model_id, std::string_view suite, std::string_view sampling_json,
                                    int64_t seed) const;
  std::optional<RunRecord> get_run(int64_t run_id) const;
  std::vector<RunRecord> list_runs() const;  // oldest first
  std::vector<RunOverview> run_overviews() const;  // oldest first

  // --- samples and grades ---
  // Inserts the sample and returns its id. Idempotent: a sample with the same (run, task, problem, index)
  // is kept and its id returned, except that a stored sample whose finish_reason is "error" is replaced by
  // a new attempt (its grades are removed with it), so retrying failed samples needs no cleanup. A sample
  // whose dataset_sha256 or task_version differs from the run's other samples of the task is refused.
  int64_t insert_sample(const SampleRecord& sample);
  // Inserts the sample and its grades in one transaction (the runner calls this per finished sample):
  // either both are stored or neither. Returns the sample id; each grade's sample_id is set to it.
  int64_t insert_sample_with_grades(const SampleRecord& sample, const std::vector<GradeRecord>& grades);
  // Inserts a grade, or returns the stored one's id for the same (sample, grader, rule). A grade from a
  // different grader_version replaces the stored verdict (regrading after a grader fix).
  int64_t insert_grade(const GradeRecord& grade);

  // The samples a resumed run need not generate again (all but those with finish_reason "error").
  std::set<SampleKey> done_samples(int64_t run_id) const;
  // Ordered by task, problem_id, sample_index.
  std::vector<SampleRecord> samples_of(int64_t run_id, const std::optional<std::string>& task = std::nullopt) const;
  std::vector<GradeRecord> grades_of(int64_t run_id, const std::optional<std::string>& task = std::nullopt) const;
  std::vector<GradeRecord> grades_of_sample(int64_t sample_id) const;
  std::vector<std::string> tasks_of(int64_t run_id) const;
  // The distinct (grader, rule) pairs with grades in this run (or in one task of it).
  std::vector<std::pair<std::string, std::string>> grading_keys(
      int64_t run_id, const std::optional<std::string>& task = std::nullopt) const;
  // Every sample of the run (or of one task) with its verdict under (grader, rule), ordered by task,
  // problem_id, sample_index. Light: no prompts or completions.
  std::vector<GradedOutcome> graded_outcomes(int64_t run_id, std::string_view grader, std::string_view rule,
                                             const std::optional<std::string>& task = std::nullopt) const;
  // Token counts, finish reasons and timings of every sample of the run (or of one task), without the texts.
  std::vector<SampleTiming> sample_timings(int64_t run_id, const std::optional<std::string>& task = std::nullopt) const;

  // --- throughput ---
  int64_t insert_throughput(const ThroughputRecord& record);
  std::vector<ThroughputRecord> throughput_of(int64_t run_id) const;

  // --- bench runs (rbench bench) ---
  // Stores one benchmark as a run of its own, all in one transaction: the model (upserted), the run (its status
  // and dates as given, finished_at now when empty and the status is not "running"), its throughput rows and its
  // bench row. Returns the run id; the rows' run_id fields are ignored.
  int64_t insert_bench_run(const ModelRecord& model, const RunRecord& run, const std::vector<ThroughputRecord>& phases,
                           const BenchRecord& bench);
  // The bench row of a run; nullopt for an evaluation run.
  std::optional<BenchRecord> bench_of(int64_t run_id) const;

 private:
  int64_t insert_sample_in_transaction(const SampleRecord& sample);
  int64_t insert_grade_in_transaction(const GradeRecord& grade);
  // The writes above without their own transaction, for callers that group several in one.
  int64_t upsert_model_in_transaction(const ModelRecord& model);
  int64_t insert_run_in_transaction(const RunRecord& run);
  int64_t insert_throughput_in_transaction(const ThroughputRecord& record);

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace rbench::results
