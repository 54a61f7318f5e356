// A compiled PCRE2 pattern with bounded matching (a match limit, byte mode so invalid UTF-8 is just bytes), used
// by the extraction rules to find every match of a pattern in a piece of model output.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rbench::graders::extraction {

struct RegexMatch {
  std::size_t start = 0;   // offset of the whole match in the subject
  std::size_t end = 0;
  std::string group;       // capture group 1 (empty when the pattern has none)
};

class RegexPattern {
 public:
  // Throws std::invalid_argument naming the pattern and the PCRE2 error when it does not compile.
  explicit RegexPattern(std::string_view pattern);
  ~RegexPattern();
  RegexPattern(const RegexPattern&) = delete;
  RegexPattern& operator=(const RegexPattern&) = delete;

  // Every non-overlapping match, in order. A match that exceeds the backtracking limit ends the search.
  std::vector<RegexMatch> find_all(std::string_view subject) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace rbench::graders::extraction
