// A benchmark task as data: its problems (read from a source file whose sha256 is recorded), the grader that
// judges it, a version that changes whenever prompt text or parsing changes, and the prompt built for one
// (problem, sample) pair. Rendering messages through a chat template is the tokenizer's job, not ours.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rbench::tasks {

struct Message {
  std::string role;     // "system" | "user" | "assistant"
  std::string content;
};

// One benchmark item. For GPQA, meta["options"] holds the four option texts with the correct one first and
// `gold` is the correct option's text; the letter the grader sees is decided per sample by the shuffle.
struct Problem {
  std::string id;
  std::string question;
  std::string gold;
  nlohmann::json meta;  // benchmark-specific fields (subject, level, year, domain, options...)
};

// What the generator receives for one sample, and the gold answer in the form the grader expects
// (a LaTeX answer for "math", an integer string for "aime", a letter A-D for "gpqa").
struct PromptedSample {
  std::vector<Message> messages;
  std::string gold;
};

struct Task {
  std::string name;
  std::string version;
  std::string grader;  // "math" | "aime" | "gpqa"
  std::string source_path;
  std::string source_sha256;
  std::vector<Problem> problems;

  // The prompt of sample `sample_index` of problem `problem_index`; deterministic across runs and platforms.
  // Throws std::out_of_range for a bad problem index and std::invalid_argument for an unknown grader.
  PromptedSample prompt(std::size_t problem_index, int sample_index) const;
};

}  // namespace rbench::tasks
