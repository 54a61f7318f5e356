// FNV-1a, splitmix64 and an unbiased Fisher-Yates, written out so the shuffle is identical everywhere.
#include "tasks/option_shuffle.h"

#include <string>
#include <utility>

namespace rbench::tasks {
namespace {

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound): draws below 2^64 mod bound are rejected so the remaining range divides evenly.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (true) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % bound;
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace

std::uint64_t option_shuffle_seed(std::string_view problem_id, int sample_index) {
  std::string key(problem_id);
  key += '#';
  key += std::to_string(sample_index);
  return fnv1a64(key);
}

std::vector<std::size_t> option_order(std::size_t n_options, std::uint64_t seed) {
  std::vector<std::size_t> order(n_options);
  for (std::size_t i = 0; i < n_options; ++i) order[i] = i;
  SplitMix64 rng(seed);
  for (std::size_t i = n_options; i-- > 1;) {
    std::swap(order[i], order[rng.below(i + 1)]);
  }
  return order;
}

}  // namespace rbench::tasks
