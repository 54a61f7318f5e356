// The per-completion tables: samples and their grades. Writes are idempotent on the natural keys
// (run, task, problem, sample index) and (sample, grader, rule); insert_sample_with_grades stores a sample
// and its verdicts in one transaction. The read side serves resuming (done_samples), reports and metrics.
#include <sqlite3.h>

#include <string>

#include "results/database.h"
#include "results/sqlite_statement.h"

namespace rbench::results {
namespace {

constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

std::string describe(const SampleRecord& sample) {
  return "run=" + std::to_string(sample.run_id) + " task='" + sample.task + "' problem='" + sample.problem_id +
         "' index=" + std::to_string(sample.sample_index);
}

void validate(const SampleRecord& sample, const std::string& operation) {
  if (sample.finish_reason != "stop" && sample.finish_reason != "length" && sample.finish_reason != "error") {
    throw DatabaseError(operation, 0,
                        "finish_reason is '" + sample.finish_reason + "', expected 'stop', 'length' or 'error'");
  }
  if (sample.task.empty() || sample.problem_id.empty()) {
    throw DatabaseError(operation, 0, "task and problem_id must not be empty");
  }
}

constexpr std::string_view kSampleColumns =
    "id, run_id, task, task_version, dataset_sha256, problem_id, sample_index, seed, prompt, completion, "
    "n_prompt_tokens, n_completion_tokens, finish_reason, error, prefill_seconds, decode_seconds, created_at";

SampleRecord read_sample(const Statement& row) {
  SampleRecord sample;
  sample.id = row.column_int(0);
  sample.run_id = row.column_int(1);
  sample.task = row.column_text(2);
  sample.task_version = row.column_text(3);
  sample.dataset_sha256 = row.column_text(4);
  sample.problem_id = row.column_text(5);
  sample.sample_index = row.column_int(6);
  sample.seed = row.column_int(7);
  sample.prompt = row.column_text(8);
  sample.completion = row.column_text(9);
  sample.n_prompt_tokens = row.column_int(10);
  sample.n_completion_tokens = row.column_int(11);
  sample.finish_reason = row.column_text(12);
  sample.error = row.column_text(13);
  sample.prefill_seconds = row.column_double(14);
  sample.decode_seconds = row.column_double(15);
  sample.created_at = row.column_text(16);
  return sample;
}

constexpr std::string_view kGradeColumns =
    "g.id, g.sample_id, g.grader, g.grader_version, g.rule, g.extracted, g.correct, g.reason, g.gold, g.canonical";

GradeRecord read_grade(const Statement& row) {
  GradeRecord grade;
  grade.id = row.column_int(0);
  grade.sample_id = row.column_int(1);
  grade.grader = row.column_text(2);
  grade.grader_version = row.column_text(3);
  grade.rule = row.column_text(4);
  grade.extracted = row.column_text(5);
  grade.correct = row.column_int(6) != 0;
  grade.reason = row.column_text(7);
  grade.gold = row.column_text(8);
  if (!row.column_is_null(9)) grade.canonical = row.column_text(9);
  return grade;
}

// Binds the 15 writable sample columns (everything but id and created_at) starting at parameter 1.
void bind_sample_fields(Statement& statement, const SampleRecord& sample) {
  statement.bind(1, sample.run_id).bind(2, sample.task).bind(3, sample.task_version).bind(4, sample.dataset_sha256);
  statement.bind(5, sample.problem_id).bind(6, sample.sample_index).bind(7, sample.seed).bind(8, sample.prompt);
  statement.bind(9, sample.completion).bind(10, sample.n_prompt_tokens).bind(11, sample.n_completion_tokens);
  statement.bind(12, sample.finish_reason).bind(13, sample.error).bind(14, sample.prefill_seconds);
  statement.bind(15, sample.decode_seconds).bind(16, sample.created_at);
}

}  // namespace

int64_t Database::insert_sample_in_transaction(const SampleRecord& sample) {
  const std::string operation = "insert sample " + describe(sample);
  validate(sample, operation);
  Statement find(db_,
                 "SELECT id, finish_reason FROM samples "
                 "WHERE run_id = ? AND task = ? AND problem_id = ? AND sample_index = ?",
                 operation);
  find.bind(1, sample.run_id).bind(2, sample.task).bind(3, sample.problem_id).bind(4, sample.sample_index);
  const bool exists = find.step();
  const int64_t id = exists ? find.column_int(0) : 0;
  const bool failed_attempt = exists && find.column_text(1) == "error";
  find.reset();  // finish the read before writing to the same table
  if (exists && !failed_attempt) return id;  // a finished sample is never overwritten

  // One run scores one version of each task: a resume after the dataset file changed must not mix them.
  Statement version(db_, "SELECT dataset_sha256, task_version FROM samples WHERE run_id = ? AND task = ? LIMIT 1",
                    operation + " (check dataset version)");
  version.bind(1, sample.run_id).bind(2, sample.task);
  if (version.step() && (version.column_text(0) != sample.dataset_sha256 || version.column_text(1) != sample.task_version)) {
    throw DatabaseError(operation, 0,
                        "the run already holds task '" + sample.task + "' version '" + version.column_text(1) +
                            "' with dataset sha256 " + version.column_text(0) + ", this sample has version '" +
                            sample.task_version + "' and sha256 " + sample.dataset_sha256 +
                            "; start a new run for the changed dataset");
  }
  version.reset();

  if (!exists) {
    Statement insert(db_,
                     "INSERT INTO samples (run_id, task, task_version, dataset_sha256, problem_id, sample_index, seed, "
                     "prompt, completion, n_prompt_tokens, n_completion_tokens, finish_reason, error, prefill_seconds, "
                     "decode_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                     "COALESCE(NULLIF(?16, ''), " + std::string(kNow) + "))",
                     operation);
    bind_sample_fields(insert, sample);
    insert.run();
    return sqlite3_last_insert_rowid(db_);
  }
  // A failed attempt is replaced in place (same id); its verdicts described the failure, not this attempt.
  Statement drop_grades(db_, "DELETE FROM grades WHERE sample_id = ?", operation + " (drop grades of failed attempt)");
  drop_grades.bind(1, id).run();
  Statement update(db_,
                   "UPDATE samples SET run_id = ?1, task = ?2, task_version = ?3, dataset_sha256 = ?4, "
                   "problem_id = ?5, sample_index = ?6, seed = ?7, prompt = ?8, completion = ?9, "
                   "n_prompt_tokens = ?10, n_completion_tokens = ?11, finish_reason = ?12, error = ?13, "
                   "prefill_seconds = ?14, decode_seconds = ?15, created_at = COALESCE(NULLIF(?16, ''), " +
                       std::string(kNow) + ") WHERE id = ?17",
                   operation + " (replace failed attempt)");
  bind_sample_fields(update, sample);
  update.bind(17, id).run();
  return id;
}

int64_t Database::insert_grade_in_transaction(const GradeRecord& grade) {
  const std::string operation = "insert grade sample=" + std::to_string(grade.sample_id) + " grader='" + grade.grader +
                                "' rule='" + grade.rule + "'";
  Statement upsert(db_,
                   "INSERT INTO grades (sample_id, grader, grader_version, rule, extracted, correct, reason, gold, canonical) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sample_id, grader, rule) DO UPDATE SET "
                   "grader_version = excluded.grader_version, extracted = excluded.extracted, "
                   "correct = excluded.correct, reason = excluded.reason, gold = excluded.gold, "
                   "canonical = excluded.canonical "
                   "WHERE grades.grader_version <> excluded.grader_version OR "
                   "(grades.canonical IS NULL AND excluded.canonical IS NOT NULL)",
                   operation);
  upsert.bind(1, grade.sample_id).bind(2, grade.grader).bind(3, grade.grader_version).bind(4, grade.rule);
  upsert.bind(5, grade.extracted).bind(6, static_cast<int64_t>(grade.correct ? 1 : 0)).bind(7, grade.reason);
  upsert.bind(8, grade.gold).bind(9, grade.canonical).run();
  Statement find(db_, "SELECT id FROM grades WHERE sample_id = ? AND grader = ? AND rule = ?", operation);
  find.bind(1, grade.sample_id).bind(2, grade.grader).bind(3, grade.rule);
  find.step();
  return find.column_int(0);
}

int64_t Database::insert_sample(const SampleRecord& sample) {
  Transaction transaction(db_, "insert sample " + describe(sample));
  const int64_t id = insert_sample_in_transaction(sample);
  transaction.commit();
  return id;
}

int64_t Database::insert_sample_with_grades(const SampleRecord& sample, const std::vector<GradeRecord>& grades) {
  Transaction transaction(db_, "insert sample with grades " + describe(sample));
  const int64_t id = insert_sample_in_transaction(sample);
  for (GradeRecord grade : grades) {
    grade.sample_id = id;
    insert_grade_in_transaction(grade);
  }
  transaction.commit();
  return id;
}

int64_t Database::insert_grade(const GradeRecord& grade) {
  Transaction transaction(db_, "insert grade sample=" + std::to_string(grade.sample_id));
  const int64_t id = insert_grade_in_transaction(grade);
  transaction.commit();
  return id;
}

std::set<SampleKey> Database::done_samples(int64_t run_id) const {
  Statement query(db_,
                  "SELECT task, problem_id, sample_index FROM samples WHERE run_id = ? AND finish_reason <> 'error'",
                  "done samples of run " + std::to_string(run_id));
  query.bind(1, run_id);
  std::set<SampleKey> done;
  while (query.step()) done.insert(SampleKey{query.column_text(0), query.column_text(1), query.column_int(2)});
  return done;
}

std::vector<SampleRecord> Database::samples_of(int64_t run_id, const std::optional<std::string>& task) const {
  Statement query(db_,
                  "SELECT " + std::string(kSampleColumns) +
                      " FROM samples WHERE run_id = ?1 AND (?2 IS NULL OR task = ?2) "
                      "ORDER BY task, problem_id, sample_index",
                  "samples of run " + std::to_string(run_id));
  query.bind(1, run_id).bind(2, task);
  std::vector<SampleRecord> samples;
  while (query.step()) samples.push_back(read_sample(query));
  return samples;
}

std::vector<GradeRecord> Database::grades_of(int64_t run_id, const std::optional<std::string>& task) const {
  Statement query(db_,
                  "SELECT " + std::string(kGradeColumns) +
                      " FROM grades g JOIN samples s ON s.id = g.sample_id "
                      "WHERE s.run_id = ?1 AND (?2 IS NULL OR s.task = ?2) "
                      "ORDER BY s.task, s.problem_id, s.sample_index, g.grader, g.rule",
                  "grades of run " + std::to_string(run_id));
  query.bind(1, run_id).bind(2, task);
  std::vector<GradeRecord> grades;
  while (query.step()) grades.push_back(read_grade(query));
  return grades;
}

std::vector<GradeRecord> Database::grades_of_sample(int64_t sample_id) const {
  Statement query(db_, "SELECT " + std::string(kGradeColumns) + " FROM grades g WHERE g.sample_id = ? ORDER BY g.grader, g.rule",
                  "grades of sample " + std::to_string(sample_id));
  query.bind(1, sample_id);
  std::vector<GradeRecord> grades;
  while (query.step()) grades.push_back(read_grade(query));
  return grades;
}

std::vector<std::string> Database::tasks_of(int64_t run_id) const {
  Statement query(db_, "SELECT DISTINCT task FROM samples WHERE run_id = ? ORDER BY task",
                  "tasks of run " + std::to_string(run_id));
  query.bind(1, run_id);
  std::vector<std::string> tasks;
  while (query.step()) tasks.push_back(query.column_text(0));
  return tasks;
}

std::vector<std::pair<std::string, std::string>> Database::grading_keys(int64_t run_id,
                                                                      const std::optional<std::string>& task) const {
  Statement query(db_,
                  "SELECT DISTINCT g.grader, g.rule FROM grades g JOIN samples s ON s.id = g.sample_id "
                  "WHERE s.run_id = ?1 AND (?2 IS NULL OR s.task = ?2) ORDER BY g.grader, g.rule",
                  "grading keys of run " + std::to_string(run_id));
  query.bind(1, run_id).bind(2, task);
  std::vector<std::pair<std::string, std::string>> keys;
  while (query.step()) keys.emplace_back(query.column_text(0), query.column_text(1));
  return keys;
}

std::vector<GradedOutcome> Database::graded_outcomes(int64_t run_id, std::string_view grader, std::string_view rule,
                                                     const std::optional<std::string>& task) const {
  Statement query(db_,
                  "SELECT s.task, s.problem_id, s.sample_index, s.finish_reason, g.id IS NOT NULL, "
                  "COALESCE(g.extracted, ''), COALESCE(g.correct, 0), COALESCE(g.canonical, g.extracted, '') FROM samples s "
                  "LEFT JOIN grades g ON g.sample_id = s.id AND g.grader = ?2 AND g.rule = ?3 "
                  "WHERE s.run_id = ?1 AND (?4 IS NULL OR s.task = ?4) ORDER BY s.task, s.problem_id, s.sample_index",
                  "graded outcomes of run " + std::to_string(run_id) + " grader='" + std::string(grader) + "' rule='" +
                      std::string(rule) + "'");
  query.bind(1, run_id).bind(2, grader).bind(3, rule).bind(4, task);
  std::vector<GradedOutcome> outcomes;
  while (query.step()) {
    GradedOutcome outcome;
    outcome.task = query.column_text(0);
    outcome.problem_id = query.column_text(1);
    outcome.sample_index = query.column_int(2);
    outcome.finish_reason = query.column_text(3);
    outcome.graded = query.column_int(4) != 0;
    outcome.extracted = query.column_text(5);
    outcome.correct = query.column_int(6) != 0;
    outcome.vote = query.column_text(7);
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

std::vector<SampleTiming> Database::sample_timings(int64_t run_id, const std::optional<std::string>& task) const {
  Statement query(db_,
                  "SELECT task, n_prompt_tokens, n_completion_tokens, finish_reason, prefill_seconds, decode_seconds "
                  "FROM samples WHERE run_id = ?1 AND (?2 IS NULL OR task = ?2) ORDER BY task, problem_id, sample_index",
                  "sample timings of run " + std::to_string(run_id));
  query.bind(1, run_id).bind(2, task);
  std::vector<SampleTiming> timings;
  while (query.step()) {
    SampleTiming timing;
    timing.task = query.column_text(0);
    timing.n_prompt_tokens = query.column_int(1);
    timing.n_completion_tokens = query.column_int(2);
    timing.finish_reason = query.column_text(3);
    timing.prefill_seconds = query.column_double(4);
    timing.decode_seconds = query.column_double(5);
    timings.push_back(std::move(timing));
  }
  return timings;
}

}  // namespace rbench::results
