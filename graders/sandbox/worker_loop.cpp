// Grader worker main loop: see worker_loop.h.
#include "graders/sandbox/worker_loop.h"

#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "graders/grade.h"
#include "graders/sandbox/hostile_probes.h"
#include "graders/sandbox/protocol.h"

namespace rbench::graders::sandbox {
namespace {

std::vector<Verdict> grade_untrusted(const GradeRequest& request, bool enable_hostile_probes) {
  try {
    if (enable_hostile_probes) {
      if (auto probe = run_hostile_probe(request)) return {*probe};
    }
    return grade(request);
  } catch (const std::bad_alloc&) {
    Verdict v;
    v.rule = std::string(kPrimaryRule);
    v.reason = std::string(reason::kResourceLimit);
    v.detail = "out of memory under the worker's address-space limit";
    return {v, Verdict{false, "", std::string(kStrictRule), v.reason, v.detail, ""}};
  } catch (const std::exception& e) {
    Verdict v;
    v.rule = std::string(kPrimaryRule);
    v.reason = std::string(reason::kUnparsable);
    v.detail = e.what();
    return {v, Verdict{false, "", std::string(kStrictRule), v.reason, v.detail, ""}};
  }
}

// Runs each grader once on a representative input so statics (regexes, GiNaC tables) exist before seccomp.
void warm_up() {
  grade({"math", "\\frac{1}{2}", "so \\boxed{0.5} and x^2+\\sqrt{2}"});
  grade({"aime", "25", "the answer is 025"});
  grade({"gpqa", "B", "Answer: (B)"});
}

}  // namespace

int run_worker(const WorkerOptions& options) {
  try {
    apply_resource_limits(options.limits);
    warm_up();
    install_syscall_filter();
  } catch (const std::exception& e) {
    std::cerr << "rbench-grader: confinement failed: " << e.what() << "\n";
    return 1;
  }
  std::vector<std::string> frame;
  while (true) {
    const IoStatus status = read_frame(options.socket_fd, frame);
    if (status == IoStatus::Closed) return 0;
    if (status != IoStatus::Ok) return 1;
    std::vector<Verdict> verdicts;
    try {
      renew_cpu_budget(options.limits);
      verdicts = grade_untrusted(decode_request(frame), options.enable_hostile_probes);
    } catch (const std::exception& e) {
      verdicts = {Verdict{false, "", std::string(kPrimaryRule), std::string(reason::kBadRequest), e.what(), ""}};
    }
    if (write_frame(options.socket_fd, encode_verdicts(verdicts)) != IoStatus::Ok) return 1;
  }
}

}  // namespace rbench::graders::sandbox
