// CLI helpers (see cli_support.h).
#include "evaluator/cli/cli_support.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace rbench::cli {

namespace {
std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}
}  // namespace

std::filesystem::path resolve_data_dir(const std::optional<std::string>& flag) {
  if (flag) return *flag;
  if (auto e = env("RBENCH_DATA")) return *e;
  return "data";
}

std::filesystem::path grader_worker_path() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot locate the rbench binary through /proc/self/exe: " + ec.message());
  return self.parent_path() / "rbench-grader";
}

bool stderr_is_tty() { return isatty(STDERR_FILENO) == 1; }

std::string resolve_shard(const std::optional<std::string>& flag) {
  if (flag) return *flag;
  auto slurm_id = env("SLURM_ARRAY_TASK_ID"), slurm_count = env("SLURM_ARRAY_TASK_COUNT");
  if (slurm_id && slurm_count) {
    // SLURM arrays may start at any index; SLURM_ARRAY_TASK_MIN gives the offset.
    long offset = env("SLURM_ARRAY_TASK_MIN") ? std::stol(*env("SLURM_ARRAY_TASK_MIN")) : 0;
    return std::to_string(std::stol(*slurm_id) - offset) + "/" + *slurm_count;
  }
  auto k8s_index = env("JOB_COMPLETION_INDEX"), k8s_count = env("RBENCH_SHARD_COUNT");
  if (k8s_index && k8s_count) return *k8s_index + "/" + *k8s_count;
  return "0/1";
}

results::Database open_existing_database(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw std::runtime_error("results database '" + path + "' does not exist (give it with --db)");
  return results::Database(path);
}

}  // namespace rbench::cli
