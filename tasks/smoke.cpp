// The built-in smoke task: short problems written for this project (not taken from any benchmark), with
// exact answers that include integers, negatives, fractions and expressions so every grader path runs.
#include "tasks/readers.h"

#include "tasks/source_file.h"

namespace rbench::tasks {
namespace {

struct SmokeItem {
  const char* topic;
  const char* question;
  const char* gold;
};

constexpr SmokeItem kSmokeItems[] = {
    {"arithmetic", "What is $17 + 26$?", "43"},
    {"arithmetic", "Compute $12 \\times 13$.", "156"},
    {"arithmetic", "What is $100 - 137$?", "-37"},
    {"arithmetic", "Compute $-8 \\times 7 + 50$.", "-6"},
    {"arithmetic", "What is $2^{10}$?", "1024"},
    {"arithmetic", "What is the remainder when $100$ is divided by $7$?", "2"},
    {"arithmetic", "What is the greatest common divisor of $84$ and $120$?", "12"},
    {"arithmetic", "What is the least common multiple of $6$ and $8$?", "24"},
    {"arithmetic", "What is the sum of the integers from $1$ to $20$?", "210"},
    {"arithmetic", "A rectangle has sides of length $6$ and $9$. What is its area?", "54"},
    {"fractions", "Compute $\\frac{1}{3} + \\frac{1}{4}$.", "\\frac{7}{12}"},
    {"fractions", "Compute $\\frac{5}{6} - \\frac{1}{2}$.", "\\frac{1}{3}"},
    {"fractions", "Compute $\\frac{2}{3} \\times \\frac{9}{10}$.", "\\frac{3}{5}"},
    {"fractions", "Compute $\\frac{3}{4} \\div \\frac{9}{8}$.", "\\frac{2}{3}"},
    {"fractions", "Write $0.25$ as a fraction in lowest terms.", "\\frac{1}{4}"},
    {"fractions", "Compute $3 - \\frac{7}{4}$.", "\\frac{5}{4}"},
    {"fractions", "What is $\\frac{1}{2} + \\frac{1}{3} + \\frac{1}{6}$?", "1"},
    {"fractions", "Compute $\\frac{1}{5} - \\frac{1}{2}$.", "-\\frac{3}{10}"},
    {"algebra", "Solve for $x$: $3x + 7 = 22$.", "5"},
    {"algebra", "Solve for $x$: $5 - 2x = 17$.", "-6"},
    {"algebra", "If $y = 4x - 1$ and $x = -2$, what is $y$?", "-9"},
    {"algebra", "Solve for $x$: $\\frac{x}{3} = \\frac{5}{2}$.", "\\frac{15}{2}"},
    {"algebra", "What is the positive solution of $x^2 = 49$?", "7"},
    {"algebra", "Simplify $(x+2)^2 - x^2$.", "4x+4"},
    {"algebra", "Expand $(x-3)(x+3)$.", "x^2-9"},
    {"algebra", "Simplify $\\frac{2x+6}{2}$.", "x+3"},
};

}  // namespace

Task smoke_task() {
  Task task{"smoke", std::string(kSmokeVersion), "math", "built-in:tasks/smoke.cpp", "", {}};
  nlohmann::json canonical = nlohmann::json::array();
  int number = 0;
  for (const auto& item : kSmokeItems) {
    ++number;
    const std::string id = std::string("smoke-") + (number < 10 ? "0" : "") + std::to_string(number);
    task.problems.push_back(Problem{id, item.question, item.gold, {{"topic", item.topic}}});
    canonical.push_back({{"id", id}, {"question", item.question}, {"gold", item.gold}});
  }
  task.source_sha256 = sha256_hex(canonical.dump());
  return task;
}

}  // namespace rbench::tasks
