// Synthetic arithmetic word problems with worked, digit-by-digit solutions: the training corpus of rbench's
// embedded default model and the built-in `arith` task that evaluates it. Four kinds: addition and subtraction
// of numbers up to three digits, a number up to two digits times one digit, and linear equations a x + b = c.
// Every solution is a few short, regular lines (one per digit, right to left, with the carry or borrow written
// out) ending in \boxed{answer}, so a model of a few million parameters can learn it.
// A problem's canonical key ("add:47:85") is hashed; the keys in the reserved bucket form the held-out `arith`
// task and the training sampler never returns them, so evaluation problems are never trained on.
// Everything is deterministic for a seed on every platform (own RNG mapping, no std distributions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/task.h"

namespace rbench::tasks {

inline constexpr std::string_view kArithVersion = "1";

enum class ArithKind { add, sub, mul, linear };

struct ArithProblem {
  ArithKind kind = ArithKind::add;
  int64_t a = 0, b = 0, c = 0;  // add/sub/mul: a op b; linear: a x + b = c
  int phrasing = 0;             // which question template
  std::string key() const;      // canonical, phrasing-free: "add:47:85", "lin:3:7:22"
  std::string question() const;
  std::string solution() const; // the worked steps, ending in \boxed{answer}
  std::string answer() const;
};

// Which kinds a generator draws, and how large the numbers get (max_digits 1..3).
struct ArithMix {
  std::vector<ArithKind> kinds = {ArithKind::add, ArithKind::sub, ArithKind::mul, ArithKind::linear};
  int max_digits = 3;
};

// True for keys in the reserved (held-out) bucket.
bool arith_is_held_out(const ArithProblem& problem);

// The next problem of a seeded stream; held_out picks the reserved bucket, otherwise it is rejected.
std::vector<ArithProblem> arith_problems(uint64_t seed, std::size_t count, bool held_out, const ArithMix& mix = {});

struct ArithExample {
  std::vector<Message> prompt;  // as Task::prompt renders it for the "math" grader
  std::string completion;       // the worked solution (no end-of-turn token)
};

// `count` training examples (never from the held-out bucket) for a seed.
std::vector<ArithExample> arith_training_examples(uint64_t seed, std::size_t count, const ArithMix& mix = {});

// The built-in held-out task: 100 fixed problems of all four kinds, grader "math".
Task arith_task();

}  // namespace rbench::tasks
