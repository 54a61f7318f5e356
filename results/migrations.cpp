// The numbered schema scripts and the loop that applies them. Version 1 holds the core tables (models, runs,
// samples, grades) with the UNIQUE keys that make resuming and regrading idempotent; version 2 adds the
// per-run throughput table, per-sample prefill/decode timings and the indices the report queries use; version 3
// adds each grade's canonical answer (what maj@k groups votes by; NULL in rows written before it, which then vote by
// their extracted text until `rbench regrade` fills it) and the engine counters of a run's throughput rows; version
// 4 adds each run's command line and the results of `rbench bench` runs.
#include "results/migrations.h"

#include <array>
#include <string>

#include "results/sqlite_statement.h"

namespace rbench::results {
namespace {

constexpr std::string_view kCoreTables = R"sql(
CREATE TABLE models (
  id             INTEGER PRIMARY KEY,
  path           TEXT NOT NULL,
  architecture   TEXT NOT NULL,
  config_sha256  TEXT NOT NULL,
  weights_sha256 TEXT NOT NULL,
  n_params       INTEGER NOT NULL CHECK (n_params >= 0),
  UNIQUE (path, weights_sha256)
);
CREATE TABLE runs (
  id              INTEGER PRIMARY KEY,
  model_id        INTEGER NOT NULL REFERENCES models(id),
  suite           TEXT NOT NULL,
  sampling_json   TEXT NOT NULL,
  seed            INTEGER NOT NULL,
  git_commit      TEXT NOT NULL,
  harness_version TEXT NOT NULL,
  device          TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  finished_at     TEXT,
  status          TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed', 'interrupted'))
);
CREATE INDEX runs_by_identity ON runs (model_id, suite, seed);
CREATE TABLE samples (
  id                  INTEGER PRIMARY KEY,
  run_id              INTEGER NOT NULL REFERENCES runs(id),
  task                TEXT NOT NULL,
  task_version        TEXT NOT NULL,
  dataset_sha256      TEXT NOT NULL,
  problem_id          TEXT NOT NULL,
  sample_index        INTEGER NOT NULL CHECK (sample_index >= 0),
  seed                INTEGER NOT NULL,
  prompt              TEXT NOT NULL,
  completion          TEXT NOT NULL,
  n_prompt_tokens     INTEGER NOT NULL CHECK (n_prompt_tokens >= 0),
  n_completion_tokens INTEGER NOT NULL CHECK (n_completion_tokens >= 0),
  finish_reason       TEXT NOT NULL CHECK (finish_reason IN ('stop', 'length', 'error')),
  error               TEXT NOT NULL DEFAULT '',
  created_at          TEXT NOT NULL,
  UNIQUE (run_id, task, problem_id, sample_index)
);
CREATE TABLE grades (
  id             INTEGER PRIMARY KEY,
  sample_id      INTEGER NOT NULL REFERENCES samples(id),
  grader         TEXT NOT NULL,
  grader_version TEXT NOT NULL,
  rule           TEXT NOT NULL,
  extracted      TEXT NOT NULL,
  correct        INTEGER NOT NULL CHECK (correct IN (0, 1)),
  reason         TEXT NOT NULL,
  gold           TEXT NOT NULL,
  UNIQUE (sample_id, grader, rule)
);
)sql";

constexpr std::string_view kThroughputAndTimings = R"sql(
ALTER TABLE samples ADD COLUMN prefill_seconds REAL NOT NULL DEFAULT 0 CHECK (prefill_seconds >= 0);
ALTER TABLE samples ADD COLUMN decode_seconds  REAL NOT NULL DEFAULT 0 CHECK (decode_seconds >= 0);
CREATE TABLE throughput (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  phase   TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
  tokens  INTEGER NOT NULL CHECK (tokens >= 0),
  seconds REAL NOT NULL CHECK (seconds >= 0),
  batch   INTEGER NOT NULL CHECK (batch >= 1),
  device  TEXT NOT NULL
);
CREATE INDEX throughput_by_run ON throughput (run_id, phase);
CREATE INDEX grades_by_key ON grades (grader, rule);
)sql";

constexpr std::string_view kCanonicalAnswersAndEngineStats = R"sql(
ALTER TABLE grades ADD COLUMN canonical TEXT;
ALTER TABLE throughput ADD COLUMN decode_steps    INTEGER NOT NULL DEFAULT 0 CHECK (decode_steps >= 0);
ALTER TABLE throughput ADD COLUMN max_in_flight   INTEGER NOT NULL DEFAULT 0 CHECK (max_in_flight >= 0);
ALTER TABLE throughput ADD COLUMN graphs_captured INTEGER NOT NULL DEFAULT 0 CHECK (graphs_captured >= 0);
ALTER TABLE throughput ADD COLUMN engines         INTEGER NOT NULL DEFAULT 1 CHECK (engines >= 1);
)sql";

// A bench run is a run like any other (model, settings as its protocol, seed, device, dates, commit) with its
// prefill and decode rows in throughput; what only a bench measures (peak memory, the roofline and the fraction
// achieved) goes to a table of its own keyed by the run, rather than as columns of throughput that every row of
// an evaluation run would leave empty. Real columns are NULL where the bench gave no finite value.
constexpr std::string_view kCommandLinesAndBenchResults = R"sql(
ALTER TABLE runs ADD COLUMN command_line TEXT NOT NULL DEFAULT '';
CREATE TABLE bench_results (
  run_id                 INTEGER PRIMARY KEY REFERENCES runs(id),
  dtype                  TEXT NOT NULL,
  prompt_len             INTEGER NOT NULL CHECK (prompt_len >= 0),
  gen_len                INTEGER NOT NULL CHECK (gen_len >= 0),
  concurrency            INTEGER NOT NULL CHECK (concurrency >= 1),
  capacity               INTEGER NOT NULL CHECK (capacity >= 0),
  cuda_graphs            INTEGER NOT NULL CHECK (cuda_graphs IN (0, 1)),
  prefill_tokens_per_s   REAL,
  decode_tokens_per_s    REAL,
  ms_per_output_token    REAL,
  peak_memory_gib        REAL,
  state_gib_per_sequence REAL,
  copy_bandwidth_gbs     REAL,
  matmul_tflops          REAL,
  weight_bytes_per_step  REAL,
  state_bytes_per_step   REAL,
  roofline_tokens_per_s  REAL,
  roofline_fraction      REAL,
  result_json            TEXT NOT NULL
);
)sql";

constexpr std::array<Migration, 4> kMigrations{{
    {1, "core tables: models, runs, samples, grades", kCoreTables},
    {2, "throughput table, per-sample prefill/decode seconds", kThroughputAndTimings},
    {3, "grades.canonical, engine counters in throughput", kCanonicalAnswersAndEngineStats},
    {4, "runs.command_line, bench_results (rbench bench runs)", kCommandLinesAndBenchResults},
}};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.back().version; }

int schema_version(sqlite3* db) {
  Statement query(db, "PRAGMA user_version", "read schema version");
  query.step();
  return static_cast<int>(query.column_int(0));
}

void migrate_to_latest(sqlite3* db, std::string_view database_name) {
  const int latest = latest_schema_version();
  std::string where = "'";  // appended, not `"'" + std::string(...)`, which trips a GCC 12 -Wrestrict false alarm
  where.append(database_name).append("'");
  const int found = schema_version(db);
  if (found > latest) {
    throw DatabaseError("open " + where, 0,
                        "the database has schema version " + std::to_string(found) + ", newer than this rbench (" +
                            std::to_string(latest) + "); use the rbench that wrote it, or a newer one");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version <= found) continue;
    const std::string operation = "migrate " + where + " to schema version " + std::to_string(migration.version) +
                                  " (" + std::string(migration.description) + ")";
    Transaction transaction(db, operation);
    // Another process may have applied this step between our read and our write lock.
    if (schema_version(db) >= migration.version) continue;
    execute_sql(db, migration.sql, operation);
    execute_sql(db, "PRAGMA user_version = " + std::to_string(migration.version), operation);
    transaction.commit();
  }
}

}  // namespace rbench::results
