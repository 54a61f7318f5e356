// The rbench subcommands. Each lives in its own cmd_<name>.cpp and receives the arguments after its name;
// it returns the process exit code (0 ok, 1 failure, 2 usage error) and reports errors itself on stderr.
#pragma once

#include <string>
#include <vector>

namespace rbench::cli {

using Args = std::vector<std::string>;

int cmd_tasks(const Args& args);       // list tasks with problem counts, source files and hashes
int cmd_tokenize(const Args& args);    // JSON lines {"text"} -> {"ids"}
int cmd_detokenize(const Args& args);  // JSON lines {"ids"} -> {"text"}
int cmd_make_tiny(const Args& args);   // write a random tiny checkpoint in HF layout
int cmd_score(const Args& args);       // logits of a token sequence (prefill or stepwise)
int cmd_bench(const Args& args);       // prefill/decode speed against the bytes-per-step roofline
int cmd_generate(const Args& args);    // stream one completion with the chat template applied
int cmd_grade(const Args& args);       // grade predictions against gold answers in the sandbox
int cmd_run(const Args& args);         // evaluate a checkpoint on a suite (resumable)
int cmd_train_default(const Args& args);  // train the embedded default model (tiny SambaY on arithmetic)
int cmd_runs(const Args& args);        // list the runs of a results database
int cmd_show(const Args& args);        // a run's summary, or a sample's trace with answer and verdict
int cmd_compare(const Args& args);     // runs side by side with paired differences and tests
int cmd_regrade(const Args& args);     // re-grade stored traces with the current grader version
int cmd_export(const Args& args);      // the leaderboard as md / html / csv / json
int cmd_merge(const Args& args);       // combine shard databases without duplicates

// argv-style view of Args for option parsers (cxxopts wants argc/argv with a program name first).
class ArgvView {
 public:
  ArgvView(const std::string& program, const Args& args);
  int argc() const { return static_cast<int>(pointers_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> storage_;
  std::vector<char*> pointers_;
};

}  // namespace rbench::cli
