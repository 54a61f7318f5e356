// The grading vocabulary shared by the in-process graders, the sandboxed worker and the evaluator: a request
// (which grader, the gold answer, the untrusted model output) and a verdict (correct or not, what was extracted,
// under which named extraction rule, and why when grading did not proceed normally).
#pragma once

#include <string>
#include <string_view>

namespace rbench::graders {

// Bump on every behaviour change: it is stored with every grade so that old grades can be told apart.
constexpr std::string_view kGraderVersion = "graders-1.3.0";  // 1.3.0: verdicts carry the canonical form

// Extraction rules, recorded per verdict. The evaluator's metrics use kPrimaryRule.
constexpr std::string_view kStrictRule = "strict";    // only an explicit final-answer marker (\boxed, "Answer:")
constexpr std::string_view kLenientRule = "lenient";  // strict first, then phrases and the last value in the text
constexpr std::string_view kPrimaryRule = kLenientRule;

// Reasons: "ok" when graded normally; otherwise one of the constants below.
namespace reason {
constexpr std::string_view kOk = "ok";
constexpr std::string_view kNoAnswer = "no_answer";            // nothing could be extracted
constexpr std::string_view kUnparsable = "unparsable";         // extracted, but gold or answer could not be read
constexpr std::string_view kTimeout = "timeout";               // the worker ran past the wall-clock limit
constexpr std::string_view kResourceLimit = "resource_limit";  // memory or CPU limit hit in the worker
constexpr std::string_view kWorkerCrash = "worker_crash";      // the worker died for another reason
constexpr std::string_view kBadRequest = "bad_request";        // unknown grader, malformed input line
}  // namespace reason

struct GradeRequest {
  std::string grader;  // "math" | "aime" | "gpqa"
  std::string gold;
  std::string prediction;
};

struct Verdict {
  bool correct = false;
  std::string extracted;
  std::string rule;
  std::string reason;
  std::string detail;  // human-readable context for a reason other than "ok" (parser message, signal, limit)
  // The extracted answer in a canonical form (math/canonical_form.h; integers without leading zeros; choice
  // letters upper-cased): answers the grader holds equivalent print the same, so maj@k groups votes by it. The
  // extracted text itself when it cannot be read; empty when nothing was extracted.
  std::string canonical;
};

}  // namespace rbench::graders
