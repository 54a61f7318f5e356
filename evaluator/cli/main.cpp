// Entry point of the rbench CLI: dispatches `rbench <command> ...` to the subcommand table below.
// Exceptions escaping a subcommand become one clear line on stderr and exit code 1, never a crash.
#include <algorithm>
#include <cstring>
#include <exception>
#include <iostream>

#include "evaluator/cli/commands.h"

namespace rbench::cli {

ArgvView::ArgvView(const std::string& program, const Args& args) {
  storage_.reserve(args.size() + 1);
  storage_.push_back(program);
  storage_.insert(storage_.end(), args.begin(), args.end());
  for (auto& s : storage_) pointers_.push_back(s.data());
}

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args&);
};

constexpr Command kCommands[] = {
    {"tasks", "list the benchmark tasks with problem counts, source files and hashes", cmd_tasks},
    {"tokenize", "JSON lines {\"text\"} on stdin -> {\"ids\"} on stdout", cmd_tokenize},
    {"detokenize", "JSON lines {\"ids\"} on stdin -> {\"text\"} on stdout", cmd_detokenize},
    {"make-tiny", "write a random tiny checkpoint in Hugging Face layout", cmd_make_tiny},
    {"score", "write the logits of a token sequence to a safetensors file", cmd_score},
    {"bench", "prefill/decode speed of a model or random weights against the bytes-per-step roofline", cmd_bench},
    {"generate", "stream one completion for a prompt (chat template applied)", cmd_generate},
    {"grade", "grade predictions against gold answers in the sandbox", cmd_grade},
    {"run", "evaluate a checkpoint on a suite (resumable)", cmd_run},
    {"train-default", "train the embedded default model (tiny SambaY on arithmetic)", cmd_train_default},
    {"runs", "list the runs of a results database", cmd_runs},
    {"show", "a run's summary, or a sample's trace with its answer and verdict", cmd_show},
    {"compare", "compare runs (or models' newest runs) task by task with paired tests", cmd_compare},
    {"regrade", "re-grade a run's stored traces with the current grader version", cmd_regrade},
    {"export", "the leaderboard as Markdown, HTML, CSV or JSON", cmd_export},
    {"merge", "combine shard databases into one without duplicates", cmd_merge},
};

void print_usage(std::ostream& out) {
  out << "usage: rbench <command> [options]   (rbench <command> --help for its options)\n\ncommands:\n";
  std::size_t width = 0;
  for (const auto& c : kCommands) width = std::max(width, std::strlen(c.name));
  for (const auto& c : kCommands) out << "  " << c.name << std::string(width + 2 - std::strlen(c.name), ' ') << c.summary << "\n";
}

}  // namespace
}  // namespace rbench::cli

int main(int argc, char** argv) {
  using namespace rbench::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    Args args(argv + 2, argv + argc);
    try {
      return c.run(args);
    } catch (const std::exception& e) {
      std::cerr << "rbench " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "rbench: unknown command '" << argv[1] << "'\n";
  print_usage(std::cerr);
  return 2;
}
