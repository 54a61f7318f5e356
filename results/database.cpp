// Opening the results database (pragmas, migration) and the small tables: models, runs, throughput.
// Samples and grades, the tables the runner writes per completion, are in database_samples.cpp; bench runs in
// database_bench.cpp.
#include "results/database.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "results/migrations.h"
#include "results/sqlite_statement.h"

namespace rbench::results {
namespace {

constexpr std::string_view kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// Switching a new file to WAL needs its exclusive lock while this connection already reads it, and SQLite
// answers BUSY at once there instead of calling the busy handler (waiting could deadlock two connections that
// both read). The pragma is idempotent, so it is retried until the busy timeout: whichever connection wins
// converts the file, and the others then find it in WAL already.
void enable_wal(sqlite3* db, std::chrono::milliseconds busy_timeout, const std::string& operation) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  for (;;) {
    try {
      Statement wal(db, "PRAGMA journal_mode = WAL", operation);
      wal.step();  // ":memory:" answers "memory": WAL does not apply there
      return;
    } catch (const DatabaseError& error) {
      if ((error.sqlite_code() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool is_run_status(std::string_view status) {
  return status == "running" || status == "complete" || status == "failed" || status == "interrupted";
}

std::string canonical_json(std::string_view text, const std::string& operation) {
  try {
    return nlohmann::json::parse(text).dump();
  } catch (const nlohmann::json::parse_error& error) {
    throw DatabaseError(operation, 0, "sampling_json is not valid JSON: " + std::string(error.what()));
  }
}

constexpr std::string_view kRunColumns =
    "id, model_id, suite, sampling_json, seed, git_commit, harness_version, device, started_at, "
    "COALESCE(finished_at, ''), status, command_line";

RunRecord read_run(const Statement& row) {
  RunRecord run;
  run.id = row.column_int(0);
  run.model_id = row.column_int(1);
  run.suite = row.column_text(2);
  run.sampling_json = row.column_text(3);
  run.seed = row.column_int(4);
  run.git_commit = row.column_text(5);
  run.harness_version = row.column_text(6);
  run.device = row.column_text(7);
  run.started_at = row.column_text(8);
  run.finished_at = row.column_text(9);
  run.status = row.column_text(10);
  run.command_line = row.column_text(11);
  return run;
}

ModelRecord read_model(const Statement& row) {
  ModelRecord model;
  model.id = row.column_int(0);
  model.path = row.column_text(1);
  model.architecture = row.column_text(2);
  model.config_sha256 = row.column_text(3);
  model.weights_sha256 = row.column_text(4);
  model.n_params = row.column_int(5);
  return model;
}

}  // namespace

Database::Database(const std::string& path, const OpenOptions& options) : path_(path) {
  const std::string where = "open '" + path + "'";
  const int code = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  try {
    check_sqlite(db_, code, where);
    // The timeout must be set before anything that takes a lock, journal_mode and migrations included.
    check_sqlite(db_, sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count())), where);
    execute_sql(db_, "PRAGMA foreign_keys = ON", where + " (enable foreign keys)");
    enable_wal(db_, options.busy_timeout, where + " (enable WAL)");
    execute_sql(db_, options.fsync_every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                where + " (set synchronous)");
    migrate_to_latest(db_, path);
    if (options.max_page_count) {
      Statement cap(db_, "PRAGMA max_page_count = " + std::to_string(*options.max_page_count),
                    where + " (set max_page_count)");
      cap.step();
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() { sqlite3_close(db_); }

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

int Database::schema_version() const { return results::schema_version(db_); }

std::string Database::integrity_check() const {
  Statement check(db_, "PRAGMA integrity_check", "integrity check of '" + path_ + "'");
  std::string findings;
  while (check.step()) {
    if (!findings.empty()) findings += "\n";
    findings += check.column_text(0);
  }
  return findings;
}

int64_t Database::upsert_model(const ModelRecord& model) {
  Transaction transaction(db_, "upsert model path='" + model.path + "'");
  const int64_t id = upsert_model_in_transaction(model);
  transaction.commit();
  return id;
}

int64_t Database::upsert_model_in_transaction(const ModelRecord& model) {
  const std::string operation = "upsert model path='" + model.path + "'";
  Statement insert(db_,
                   "INSERT INTO models (path, architecture, config_sha256, weights_sha256, n_params) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (path, weights_sha256) DO NOTHING",
                   operation);
  insert.bind(1, model.path).bind(2, model.architecture).bind(3, model.config_sha256);
  insert.bind(4, model.weights_sha256).bind(5, model.n_params).run();
  Statement find(db_, "SELECT id FROM models WHERE path = ? AND weights_sha256 = ?", operation);
  find.bind(1, model.path).bind(2, model.weights_sha256);
  find.step();
  return find.column_int(0);
}

std::optional<ModelRecord> Database::get_model(int64_t model_id) const {
  Statement query(db_,
                  "SELECT id, path, architecture, config_sha256, weights_sha256, n_params FROM models WHERE id = ?",
                  "get model " + std::to_string(model_id));
  query.bind(1, model_id);
  if (!query.step()) return std::nullopt;
  return read_model(query);
}

std::vector<ModelRecord> Database::list_models() const {
  Statement query(db_, "SELECT id, path, architecture, config_sha256, weights_sha256, n_params FROM models ORDER BY id",
                  "list models");
  std::vector<ModelRecord> models;
  while (query.step()) models.push_back(read_model(query));
  return models;
}

int64_t Database::insert_run(const RunRecord& run) {
  Transaction transaction(db_, "insert run model=" + std::to_string(run.model_id) + " suite='" + run.suite + "'");
  const int64_t id = insert_run_in_transaction(run);
  transaction.commit();
  return id;
}

int64_t Database::insert_run_in_transaction(const RunRecord& run) {
  const std::string operation = "insert run model=" + std::to_string(run.model_id) + " suite='" + run.suite + "'";
  if (!is_run_status(run.status)) throw DatabaseError(operation, 0, "unknown run status '" + run.status + "'");
  const std::string sampling = canonical_json(run.sampling_json, operation);
  Statement insert(db_,
                   "INSERT INTO runs (model_id, suite, sampling_json, seed, git_commit, harness_version, device, "
                   "started_at, finished_at, status, command_line) VALUES (?, ?, ?, ?, ?, ?, ?, "
                   "COALESCE(NULLIF(?, ''), " + std::string(kNow) + "), NULLIF(?, ''), ?, ?)",
                   operation);
  insert.bind(1, run.model_id).bind(2, run.suite).bind(3, sampling).bind(4, run.seed).bind(5, run.git_commit);
  insert.bind(6, run.harness_version).bind(7, run.device).bind(8, run.started_at).bind(9, run.finished_at);
  insert.bind(10, run.status).bind(11, run.command_line).run();
  return sqlite3_last_insert_rowid(db_);
}

void Database::set_run_status(int64_t run_id, std::string_view status) {
  const std::string operation = "set status of run " + std::to_string(run_id) + " to '" + std::string(status) + "'";
  if (!is_run_status(status)) throw DatabaseError(operation, 0, "unknown run status");
  Transaction transaction(db_, operation);
  Statement update(db_,
                   "UPDATE runs SET status = ?1, finished_at = CASE WHEN ?1 = 'running' THEN NULL ELSE " +
                       std::string(kNow) + " END WHERE id = ?2",
                   operation);
  update.bind(1, status).bind(2, run_id).run();
  if (sqlite3_changes(db_) != 1) throw DatabaseError(operation, 0, "no such run");
  transaction.commit();
}

std::optional<RunRecord> Database::find_run(int64_t model_id, std::string_view suite, std::string_view sampling_json,
                                            int64_t seed) const {
  const std::string operation = "find run model=" + std::to_string(model_id) + " suite='" + std::string(suite) + "'";
  Statement query(db_,
                  "SELECT " + std::string(kRunColumns) +
                      " FROM runs WHERE model_id = ? AND suite = ? AND sampling_json = ? AND seed = ? "
                      "ORDER BY id DESC LIMIT 1",
                  operation);
  query.bind(1, model_id).bind(2, suite).bind(3, canonical_json(sampling_json, operation)).bind(4, seed);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

std::optional<RunRecord> Database::get_run(int64_t run_id) const {
  Statement query(db_, "SELECT " + std::string(kRunColumns) + " FROM runs WHERE id = ?",
                  "get run " + std::to_string(run_id));
  query.bind(1, run_id);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

std::vector<RunRecord> Database::list_runs() const {
  Statement query(db_, "SELECT " + std::string(kRunColumns) + " FROM runs ORDER BY id", "list runs");
  std::vector<RunRecord> runs;
  while (query.step()) runs.push_back(read_run(query));
  return runs;
}

std::vector<RunOverview> Database::run_overviews() const {
  Statement query(db_,
                  "SELECT " + std::string(kRunColumns) + ", "
                  "(SELECT path FROM models m WHERE m.id = runs.model_id), "
                  "(SELECT count(*) FROM samples s WHERE s.run_id = runs.id), "
                  "(SELECT count(*) FROM samples s WHERE s.run_id = runs.id AND s.finish_reason = 'error'), "
                  "(SELECT count(*) FROM samples s WHERE s.run_id = runs.id "
                  "   AND EXISTS (SELECT 1 FROM grades g WHERE g.sample_id = s.id)) "
                  "FROM runs ORDER BY id",
                  "run overviews");
  std::vector<RunOverview> overviews;
  while (query.step()) {
    RunOverview overview;
    overview.run = read_run(query);
    overview.model_path = query.column_text(12);
    overview.n_samples = query.column_int(13);
    overview.n_errors = query.column_int(14);
    overview.n_graded_samples = query.column_int(15);
    overviews.push_back(std::move(overview));
  }
  for (RunOverview& overview : overviews) {
    overview.tasks = tasks_of(overview.run.id);
    overview.bench = bench_of(overview.run.id);
  }
  return overviews;
}

int64_t Database::insert_throughput(const ThroughputRecord& record) {
  Transaction transaction(db_,
                          "insert throughput run=" + std::to_string(record.run_id) + " phase='" + record.phase + "'");
  const int64_t id = insert_throughput_in_transaction(record);
  transaction.commit();
  return id;
}

int64_t Database::insert_throughput_in_transaction(const ThroughputRecord& record) {
  const std::string operation = "insert throughput run=" + std::to_string(record.run_id) + " phase='" + record.phase + "'";
  Statement insert(db_, "INSERT INTO throughput (run_id, phase, tokens, seconds, batch, device, decode_steps, max_in_flight, "
                   "graphs_captured, engines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   operation);
  insert.bind(1, record.run_id).bind(2, record.phase).bind(3, record.tokens).bind(4, record.seconds);
  insert.bind(5, record.batch).bind(6, record.device).bind(7, record.decode_steps).bind(8, record.max_in_flight);
  insert.bind(9, record.graphs_captured).bind(10, record.engines).run();
  return sqlite3_last_insert_rowid(db_);
}

std::vector<ThroughputRecord> Database::throughput_of(int64_t run_id) const {
  Statement query(db_, "SELECT id, run_id, phase, tokens, seconds, batch, device, decode_steps, max_in_flight, graphs_captured, "
                  "engines FROM throughput WHERE run_id = ? ORDER BY id",
                  "throughput of run " + std::to_string(run_id));
  query.bind(1, run_id);
  std::vector<ThroughputRecord> records;
  while (query.step()) {
    ThroughputRecord record;
    record.id = query.column_int(0);
    record.run_id = query.column_int(1);
    record.phase = query.column_text(2);
    record.tokens = query.column_int(3);
    record.seconds = query.column_double(4);
    record.batch = query.column_int(5);
    record.device = query.column_text(6);
    record.decode_steps = query.column_int(7);
    record.max_in_flight = query.column_int(8);
    record.graphs_captured = query.column_int(9);
    record.engines = query.column_int(10);
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace rbench::results
