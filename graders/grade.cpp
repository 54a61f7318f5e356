// Dispatch from grader name to its extraction rules and comparison: see grade.h.
#include "graders/grade.h"

#include <cctype>
#include <functional>
#include <new>
#include <optional>
#include <string>

#include "graders/extraction/answer_extraction.h"
#include "graders/math/canonical_form.h"
#include "graders/math/equivalence.h"
#include "graders/math/expression_tree.h"

namespace rbench::graders {
namespace {

using Extractor = std::function<std::optional<std::string>(std::string_view)>;
using Comparison = std::function<Verdict(const std::string& gold, const std::string& extracted)>;

Verdict compare_math(const std::string& gold, const std::string& extracted) {
  Verdict v;
  v.extracted = extracted;
  v.canonical = math::canonical_math_answer(extracted).value_or(extracted);
  try {
    const math::MathComparison result = math::compare_math_answers(gold, extracted);
    v.correct = result.equivalent;
    v.reason = std::string(reason::kOk);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    v.reason = std::string(reason::kUnparsable);
    v.detail = e.what();
  }
  return v;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

Verdict compare_integer(const std::string& gold, const std::string& extracted) {
  Verdict v;
  v.extracted = extracted;
  std::string g = trimmed(gold);
  const std::size_t first = g.find_first_not_of('0');
  g = first == std::string::npos ? (g.empty() ? g : "0") : g.substr(first);
  v.canonical = extracted;  // the extraction keeps digits only, without leading zeros
  v.correct = !g.empty() && g == extracted;
  v.reason = std::string(reason::kOk);
  return v;
}

Verdict compare_choice(const std::string& gold, const std::string& extracted) {
  Verdict v;
  v.extracted = extracted;
  std::string g = trimmed(gold);
  if (g.size() >= 3 && g.front() == '(' && g.back() == ')') g = g.substr(1, g.size() - 2);
  for (const char c : extracted) v.canonical += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  v.correct = g.size() == 1 && g == extracted;
  v.reason = std::string(reason::kOk);
  return v;
}

Verdict run_rule(std::string_view rule, const Extractor& extract, const Comparison& compare,
                 const GradeRequest& request) {
  std::optional<std::string> extracted;
  try {
    extracted = extract(request.prediction);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    Verdict v;
    v.rule = std::string(rule);
    v.reason = std::string(reason::kUnparsable);
    v.detail = std::string("extraction failed: ") + e.what();
    return v;
  }
  Verdict v;
  if (!extracted) {
    v.reason = std::string(reason::kNoAnswer);
  } else {
    v = compare(request.gold, *extracted);
  }
  v.rule = std::string(rule);
  return v;
}

std::vector<Verdict> grade_with(const Extractor& strict, const Extractor& lenient, const Comparison& compare,
                                const GradeRequest& request) {
  Verdict lenient_verdict = run_rule(kLenientRule, lenient, compare, request);
  std::optional<std::string> strict_answer;
  try {
    strict_answer = strict(request.prediction);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    // run_rule below repeats the extraction and turns the error into a verdict.
  }
  Verdict strict_verdict;
  if (strict_answer && *strict_answer == lenient_verdict.extracted && lenient_verdict.reason != reason::kNoAnswer) {
    strict_verdict = lenient_verdict;  // the same text: the same verdict, without grading it twice
    strict_verdict.rule = std::string(kStrictRule);
  } else {
    strict_verdict = run_rule(kStrictRule, strict, compare, request);
  }
  return {std::move(lenient_verdict), std::move(strict_verdict)};
}

}  // namespace

std::vector<Verdict> grade(const GradeRequest& request) {
  if (request.grader == "math") {
    return grade_with(extraction::extract_math_strict, extraction::extract_math_lenient, compare_math, request);
  }
  if (request.grader == "aime") {
    return grade_with(extraction::extract_integer_strict, extraction::extract_integer_lenient, compare_integer,
                      request);
  }
  if (request.grader == "gpqa") {
    return grade_with(extraction::extract_choice_strict, extraction::extract_choice_lenient, compare_choice,
                      request);
  }
  Verdict v;
  v.rule = std::string(kPrimaryRule);
  v.reason = std::string(reason::kBadRequest);
  v.detail = "unknown grader '" + request.grader + "' (expected math, aime, gpqa)";
  return {v};
}

}  // namespace rbench::graders
