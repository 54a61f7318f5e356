// Crash safety of `rbench run` under SIGKILL at many moments: at least 20 kills, half after a random delay
// (anywhere from process start-up and database creation to the last commit) and half the instant the WAL file
// grows (the writer is then inside or just past a commit). After every kill the database must pass
// PRAGMA integrity_check, hold each planned sample at most once, never hold a graded sample without both of its
// grades, and have lost none of the samples committed before the kill. Each chain of kills is then resumed to the
// end and must equal an uninterrupted run with the same seed: same samples, completions, verdicts and metrics.
// No hook in rbench: the kills come from outside, as a crash or an OOM killer would.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "stored_run.h"
#include "tiny_run.h"

namespace rbench::hardening {
namespace {

using Clock = std::chrono::steady_clock;

int64_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

// Kills the child after `delay`, or (when wal_growths > 0) the moment its WAL file has grown that many times.
// Returns true when the child died of the SIGKILL, false when it had already finished.
bool kill_child(pid_t child, const std::string& db_path, std::chrono::microseconds delay, int wal_growths) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  if (wal_growths > 0) {
    const std::string wal = db_path + "-wal";
    int64_t last = file_size_or_zero(wal);
    int seen = 0;
    while (seen < wal_growths && Clock::now() < deadline) {
      int64_t now = file_size_or_zero(wal);
      if (now != last) {
        ++seen;
        last = now;
      }
      if (waitpid(child, nullptr, WNOHANG) == child) return false;
    }
  } else {
    const auto until = Clock::now() + delay;
    while (Clock::now() < until) {
      int status = 0;
      if (waitpid(child, &status, WNOHANG) == child) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

TEST(HardeningCrash, TwentyRandomSigkillsThenResumeEqualAnUninterruptedRun) {
  const auto dir = fresh_dir("hardening-crash");
  const int64_t planned = kProblems * kSamples;

  const std::string reference_db = (dir / "reference.sqlite").string();
  const auto t0 = Clock::now();
  auto reference = run_command(run_args(reference_db));
  const auto reference_time = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
  ASSERT_EQ(reference.exit_code, 0) << reference.output;
  const RunDigest want = digest_only_run(reference_db);
  ASSERT_EQ(want.rows, planned);

  std::mt19937_64 random(20261122);
  int kills = 0, attempts = 0, chains = 0, kills_in_commit = 0;
  std::vector<std::string> chain_dbs;
  std::string db_path;
  int64_t committed = planned;  // forces a new chain at the start
  while (kills < 20 && attempts < 60) {
    if (committed >= planned) {
      db_path = (dir / ("chain" + std::to_string(chains++) + ".sqlite")).string();
      chain_dbs.push_back(db_path);
      committed = 0;
    }
    ++attempts;
    const bool at_commit = attempts % 2 == 0;
    const auto delay = std::chrono::microseconds(
        std::uniform_int_distribution<int64_t>(0, reference_time.count())(random));
    const int growths = at_commit ? std::uniform_int_distribution<int>(1, 4)(random) : 0;
    const pid_t child = spawn_quiet(run_args(db_path));
    const bool killed = kill_child(child, db_path, delay, growths);
    kills += killed;
    kills_in_commit += killed && at_commit;

    SCOPED_TRACE("attempt " + std::to_string(attempts) + " on " + db_path +
                 (at_commit ? " (kill at WAL growth)" : " (kill after random delay)"));
    const Invariants after = check_invariants(db_path);
    ASSERT_EQ(after.integrity, "ok");
    ASSERT_EQ(after.samples, after.distinct_samples) << "a sample was stored twice";
    ASSERT_LE(after.samples, planned);
    ASSERT_LE(after.runs, 1) << "a resumed run must continue the stored run, not start another";
    ASSERT_EQ(after.graded_without_both_grades, 0) << "a sample was committed without its grades";
    ASSERT_GE(after.samples, committed) << "samples committed before the kill were lost";
    committed = killed ? after.samples : planned;  // a run that finished closes the chain
  }
  EXPECT_GE(kills, 20) << "runs finished before they could be killed; " << attempts << " attempts";
  EXPECT_GE(kills_in_commit, 5);

  for (const auto& chain_db : chain_dbs) {
    SCOPED_TRACE(chain_db);
    auto resumed = run_command(run_args(chain_db));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    const RunDigest got = digest_only_run(chain_db);
    EXPECT_EQ(got.status, "complete");
    EXPECT_EQ(got.rows, planned);
    EXPECT_EQ(got.samples, want.samples);
    EXPECT_EQ(got.metrics, want.metrics);
    EXPECT_EQ(check_invariants(chain_db).integrity, "ok");
  }
  std::printf("hardening crash: %d kills (%d at WAL growth) in %d attempts over %d databases; reference run %.2f s\n",
              kills, kills_in_commit, attempts, chains, reference_time.count() / 1e6);
}

}  // namespace
}  // namespace rbench::hardening
