// PCRE2 wrapper: see regex_search.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "graders/extraction/regex_search.h"

#include <pcre2.h>

#include <stdexcept>

namespace rbench::graders::extraction {

struct RegexPattern::Compiled {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
};

RegexPattern::RegexPattern(std::string_view pattern) : compiled_(std::make_unique<Compiled>()) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0, &error_code,
                                  &error_offset, nullptr);
  if (compiled_->code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    throw std::invalid_argument("regex '" + std::string(pattern) + "' does not compile at offset " +
                                std::to_string(error_offset) + ": " + reinterpret_cast<const char*>(message));
  }
  compiled_->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(compiled_->context, 1000000);
}

RegexPattern::~RegexPattern() {
  pcre2_match_context_free(compiled_->context);
  pcre2_code_free(compiled_->code);
}

std::vector<RegexMatch> RegexPattern::find_all(std::string_view subject) const {
  std::vector<RegexMatch> matches;
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
  PCRE2_SIZE offset = 0;
  while (offset <= subject.size()) {
    const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), offset,
                               0, data, compiled_->context);
    if (rc < 0) break;  // no match, or the backtracking limit: either way no further matches
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    RegexMatch m;
    m.start = ovector[0];
    m.end = ovector[1];
    if (rc > 1 && ovector[2] != PCRE2_UNSET) m.group = std::string(subject.substr(ovector[2], ovector[3] - ovector[2]));
    matches.push_back(std::move(m));
    offset = ovector[1] > ovector[0] ? ovector[1] : ovector[0] + 1;
  }
  pcre2_match_data_free(data);
  return matches;
}

}  // namespace rbench::graders::extraction
