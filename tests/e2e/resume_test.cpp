// End to end on the CPU with a tiny random model: `rbench run --suite smoke` killed with SIGKILL part-way (after
// the first samples are committed), then run again with the same command, must end with every planned sample
// stored exactly once, and with the same completions, finish reasons, seeds, verdicts and metrics as an
// uninterrupted run into a fresh database. Greedy decoding (the smoke preset's temperature 0) makes the two runs
// comparable token for token. Batched: up to 4 samples decode at once, so the kill lands mid-batch and loses only
// the uncommitted samples in flight.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <chrono>
#include <map>
#include <thread>
#include <tuple>

#include "evaluator/run_metrics.h"
#include "process.h"

namespace rbench::e2e {
namespace {

constexpr int kProblems = 4;
constexpr int kSamples = 4;  // 16 planned samples in 4 waves of a batch of 4: each run takes seconds on 2 cores

// Committed samples in a database another process is writing (0 while the file or its tables do not exist yet).
int64_t committed_samples(const std::string& path) {
  sqlite3* db = nullptr;
  int64_t n = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM samples", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
      n = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return n;
}

using Key = std::tuple<std::string, std::string, int64_t>;
using Stored = std::tuple<int64_t, std::string, std::string, std::string>;  // seed, completion, finish, verdicts

std::map<Key, Stored> stored(const results::Database& db, int64_t run_id, int64_t& n_rows) {
  std::map<int64_t, std::string> verdicts;
  for (const auto& g : db.grades_of(run_id))
    verdicts[g.sample_id] += g.rule + "=" + (g.correct ? "1" : "0") + ":" + g.extracted + ";";
  std::map<Key, Stored> out;
  auto samples = db.samples_of(run_id);
  n_rows = static_cast<int64_t>(samples.size());
  for (const auto& s : samples)
    out[{s.task, s.problem_id, s.sample_index}] = {s.seed, s.completion, s.finish_reason, verdicts[s.id]};
  return out;
}

std::vector<std::pair<std::string, double>> metric_values(const results::Database& db, int64_t run_id) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& t : evaluator::score_run(db, run_id).tasks)
    for (const auto& m : t.metrics) out.push_back({t.task + "/" + m.name, m.estimate.mean});
  return out;
}

TEST(E2eResume, SigkillMidRunThenResumeEqualsAnUninterruptedRun) {
  const auto dir = fresh_dir("resume");
  const std::string model = (dir / "tiny").string();
  ASSERT_EQ(run_command({rbench_bin(), "make-tiny", "--out", model, "--layers", "4"}).exit_code, 0);
  auto run_args = [&](const std::string& db) {
    return std::vector<std::string>{rbench_bin(), "run", "--model", model, "--suite", "smoke", "--limit",
                                    std::to_string(kProblems), "--samples", std::to_string(kSamples),
                                    "--max-tokens", "24", "--max-batch", "4", "--graders", "1", "--quiet",
                                    "--seed", "7", "--db", db};
  };

  const std::string reference_db = (dir / "reference.sqlite").string();
  auto reference_run = run_command(run_args(reference_db));
  ASSERT_EQ(reference_run.exit_code, 0) << reference_run.output;

  const std::string db_path = (dir / "killed.sqlite").string();
  const pid_t child = spawn_quiet(run_args(db_path));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t seen = 0;
  while ((seen = committed_samples(db_path)) < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it could be killed; make it longer";
  const int64_t at_kill = committed_samples(db_path);
  ASSERT_GE(at_kill, 1);
  ASSERT_LT(at_kill, kProblems * kSamples) << "killed too late to test resumption";

  auto resumed = run_command(run_args(db_path));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("(resumed)"), std::string::npos) << resumed.output;
  // Only what was committed survived the kill (the batch in flight is lost and redone), and nothing was redone twice.
  EXPECT_NE(resumed.output.find(std::to_string(kProblems * kSamples - at_kill) + " samples generated now, " +
                                std::to_string(at_kill) + " already stored"),
            std::string::npos)
      << resumed.output;

  results::Database reference(reference_db), db(db_path);
  ASSERT_EQ(reference.list_runs().size(), 1u);
  ASSERT_EQ(db.list_runs().size(), 1u);
  const int64_t reference_id = reference.list_runs()[0].id, run_id = db.list_runs()[0].id;
  EXPECT_EQ(db.get_run(run_id)->status, "complete");
  // The run keeps the command that made it (the first of the interrupted ones; resuming adds no run).
  const std::string command = reference.get_run(reference_id)->command_line;
  EXPECT_EQ(command.rfind("rbench run --model ", 0), 0u) << command;
  EXPECT_NE(command.find("--seed 7 --db " + reference_db), std::string::npos) << command;
  int64_t reference_rows = 0, rows = 0;
  auto want = stored(reference, reference_id, reference_rows);
  auto got = stored(db, run_id, rows);
  EXPECT_EQ(rows, kProblems * kSamples);  // each planned sample exactly once
  EXPECT_EQ(static_cast<int64_t>(got.size()), kProblems * kSamples);
  EXPECT_EQ(reference_rows, kProblems * kSamples);
  EXPECT_EQ(got, want);
  EXPECT_EQ(metric_values(db, run_id), metric_values(reference, reference_id));
}

}  // namespace
}  // namespace rbench::e2e
