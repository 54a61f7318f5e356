// The arithmetic problem generator, its worked solutions and the held-out `arith` task; see arith.h.
#include "tasks/arith.h"

#include <set>
#include <stdexcept>

#include "tasks/prompts.h"
#include "tasks/source_file.h"

namespace rbench::tasks {
namespace {

constexpr uint64_t kHeldOutBuckets = 16;   // 1 key in 16 is reserved for evaluation
constexpr uint64_t kTaskSeed = 20261122;   // the fixed stream the arith task's 100 problems come from
constexpr std::size_t kTaskSize = 100;
constexpr int kPhrasings = 3;

// splitmix64: a tiny, fully specified generator (std distributions differ between standard libraries).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }

 private:
  uint64_t state_;
};

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char ch : s) h = (h ^ ch) * 0x100000001b3ULL;
  return h;
}

// A number of 1..max_digits digits, the digit count drawn uniformly first so small numbers are not rare.
int64_t draw_number(Rng& rng, int max_digits) {
  const int digits = static_cast<int>(rng.between(1, max_digits));
  int64_t lo = 1, hi = 9;
  for (int i = 1; i < digits; ++i) lo *= 10, hi = hi * 10 + 9;
  return rng.between(lo, hi);
}

std::vector<int> digits_low_first(int64_t v, std::size_t at_least) {
  std::vector<int> d;
  do {
    d.push_back(static_cast<int>(v % 10));
    v /= 10;
  } while (v > 0);
  while (d.size() < at_least) d.push_back(0);
  return d;
}

std::string add_steps(int64_t a, int64_t b) {
  const std::size_t n = std::max(digits_low_first(a, 1).size(), digits_low_first(b, 1).size());
  const auto da = digits_low_first(a, n), db = digits_low_first(b, n);
  std::string out;
  int carry = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int s = da[i] + db[i] + carry;
    out += std::to_string(da[i]) + "+" + std::to_string(db[i]) + "+" + std::to_string(carry) + "=" + std::to_string(s) + "\n";
    carry = s / 10;
  }
  return out;
}

// a >= b; a borrowed column is written with the borrowed ten in front: "14-8-0=6".
std::string sub_steps(int64_t a, int64_t b) {
  const auto da = digits_low_first(a, 1);
  const auto db = digits_low_first(b, da.size());
  std::string out;
  int borrow = 0;
  for (std::size_t i = 0; i < da.size(); ++i) {
    int s = da[i] - db[i] - borrow;
    const bool borrows = s < 0;
    if (borrows) s += 10;
    out += std::string(borrows ? "1" : "") + std::to_string(da[i]) + "-" + std::to_string(db[i]) + "-" +
           std::to_string(borrow) + "=" + std::to_string(s) + "\n";
    borrow = borrows ? 1 : 0;
  }
  return out;
}

std::string mul_steps(int64_t a, int64_t b) {
  const auto da = digits_low_first(a, 1);
  std::string out;
  int64_t carry = 0;
  for (int d : da) {
    const int64_t s = d * b + carry;
    out += std::to_string(d) + "*" + std::to_string(b) + "+" + std::to_string(carry) + "=" + std::to_string(s) + "\n";
    carry = s / 10;
  }
  return out;
}

const char* kind_name(ArithKind kind) {
  switch (kind) {
    case ArithKind::add: return "add";
    case ArithKind::sub: return "sub";
    case ArithKind::mul: return "mul";
    case ArithKind::linear: return "lin";
  }
  throw std::logic_error("arith: unknown kind");
}

ArithProblem draw_problem(Rng& rng, ArithKind kind, int max_digits) {
  ArithProblem p;
  p.kind = kind;
  p.phrasing = static_cast<int>(rng.between(0, kPhrasings - 1));
  switch (kind) {
    case ArithKind::add:
      p.a = draw_number(rng, max_digits), p.b = draw_number(rng, max_digits);
      break;
    case ArithKind::sub:
      p.a = draw_number(rng, max_digits), p.b = draw_number(rng, max_digits);
      if (p.a < p.b) std::swap(p.a, p.b);
      break;
    case ArithKind::mul:
      // At most two digits times one: three-digit products were the kind a few-minute model got wrong most.
      p.a = draw_number(rng, std::min(max_digits, 2)), p.b = rng.between(2, 9);
      break;
    case ArithKind::linear: {
      p.a = rng.between(2, 9);
      const int64_t x = rng.between(1, max_digits >= 2 ? 12 : 4);
      p.b = rng.between(1, max_digits >= 2 ? 50 : 9);
      p.c = p.a * x + p.b;
      break;
    }
  }
  return p;
}

}  // namespace

std::string ArithProblem::key() const {
  std::string k = std::string(kind_name(kind)) + ":" + std::to_string(a) + ":" + std::to_string(b);
  if (kind == ArithKind::linear) k += ":" + std::to_string(c);
  return k;
}

std::string ArithProblem::answer() const {
  switch (kind) {
    case ArithKind::add: return std::to_string(a + b);
    case ArithKind::sub: return std::to_string(a - b);
    case ArithKind::mul: return std::to_string(a * b);
    case ArithKind::linear: return std::to_string((c - b) / a);
  }
  throw std::logic_error("arith: unknown kind");
}

std::string ArithProblem::question() const {
  const std::string A = std::to_string(a), B = std::to_string(b), C = std::to_string(c);
  switch (kind) {
    case ArithKind::add:
      if (phrasing == 0) return "What is $" + A + " + " + B + "$?";
      if (phrasing == 1) return "Compute $" + A + " + " + B + "$.";
      return "A shop sold " + A + " pens in the morning and " + B + " pens in the afternoon. How many pens did it sell?";
    case ArithKind::sub:
      if (phrasing == 0) return "What is $" + A + " - " + B + "$?";
      if (phrasing == 1) return "Compute $" + A + " - " + B + "$.";
      return "A tank holds " + A + " liters of water and " + B + " liters are drained. How many liters are left?";
    case ArithKind::mul:
      if (phrasing == 0) return "What is $" + A + " \\times " + B + "$?";
      if (phrasing == 1) return "Compute $" + A + " \\times " + B + "$.";
      return "There are " + B + " boxes with " + A + " marbles in each box. How many marbles are there?";
    case ArithKind::linear:
      if (phrasing == 0) return "Solve for $x$: $" + A + "x + " + B + " = " + C + "$.";
      if (phrasing == 1) return "Find $x$ if $" + A + "x + " + B + " = " + C + "$.";
      return A + " equal boxes of pencils and " + B + " loose pencils make " + C +
             " pencils. How many pencils are in each box?";
  }
  throw std::logic_error("arith: unknown kind");
}

std::string ArithProblem::solution() const {
  const std::string A = std::to_string(a), B = std::to_string(b);
  std::string out;
  switch (kind) {
    case ArithKind::add: out = A + "+" + B + "\n" + add_steps(a, b); break;
    case ArithKind::sub: out = A + "-" + B + "\n" + sub_steps(a, b); break;
    case ArithKind::mul: out = A + "*" + B + "\n" + mul_steps(a, b); break;
    case ArithKind::linear: {
      const std::string C = std::to_string(c), V = std::to_string(c - b);
      out = A + "x+" + B + "=" + C + "\n" + A + "x=" + C + "-" + B + "\n" + sub_steps(c, b) + A + "x=" + V + "\nx=" +
            V + "/" + A + "=" + answer() + "\n";
      break;
    }
  }
  return out + "\\boxed{" + answer() + "}";
}

bool arith_is_held_out(const ArithProblem& problem) { return fnv1a(problem.key()) % kHeldOutBuckets == 0; }

std::vector<ArithProblem> arith_problems(uint64_t seed, std::size_t count, bool held_out, const ArithMix& mix) {
  if (mix.kinds.empty()) throw std::invalid_argument("arith: the mix names no problem kind");
  if (mix.max_digits < 1 || mix.max_digits > 3)
    throw std::invalid_argument("arith: max_digits must be 1..3, got " + std::to_string(mix.max_digits));
  Rng rng(seed);
  std::vector<ArithProblem> out;
  out.reserve(count);
  std::size_t attempts = 0;
  while (out.size() < count) {
    if (++attempts > 1000 * (count + 10))
      throw std::runtime_error("arith: cannot draw " + std::to_string(count) + " problems from this mix");
    ArithProblem p = draw_problem(rng, mix.kinds[out.size() % mix.kinds.size()], mix.max_digits);
    if (arith_is_held_out(p) == held_out) out.push_back(p);
  }
  return out;
}

std::vector<ArithExample> arith_training_examples(uint64_t seed, std::size_t count, const ArithMix& mix) {
  std::vector<ArithExample> out;
  out.reserve(count);
  for (const auto& p : arith_problems(seed, count, false, mix)) {
    Problem problem{p.key(), p.question(), p.answer(), {}};
    out.push_back({math_prompt(problem).messages, p.solution()});
  }
  return out;
}

Task arith_task() {
  Task task{"arith", std::string(kArithVersion), "math", "built-in:tasks/arith.cpp", "", {}};
  nlohmann::json canonical = nlohmann::json::array();
  std::set<std::string> seen;
  Rng stream_seeds(kTaskSeed);
  // Draw held-out problems until 100 distinct keys are found (small kinds repeat).
  while (task.problems.size() < kTaskSize) {
    for (const auto& p : arith_problems(stream_seeds.next(), 4, true)) {
      if (task.problems.size() == kTaskSize || !seen.insert(p.key()).second) continue;
      const std::size_t n = task.problems.size() + 1;
      const std::string id = std::string("arith-") + (n < 10 ? "00" : n < 100 ? "0" : "") + std::to_string(n);
      task.problems.push_back(Problem{id, p.question(), p.answer(), {{"kind", kind_name(p.kind)}, {"key", p.key()}}});
      canonical.push_back({{"id", id}, {"question", p.question()}, {"gold", p.answer()}});
    }
  }
  task.source_sha256 = sha256_hex(canonical.dump());
  return task;
}

}  // namespace rbench::tasks
