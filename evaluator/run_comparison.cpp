// Comparing two stored runs (see run_comparison.h).
#include "evaluator/run_comparison.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "evaluator/run_metrics.h"
#include "graders/verdict.h"
#include "results/json_export.h"
#include "results/report.h"
#include "results/text_table.h"

namespace rbench::evaluator {

namespace {

const results::TaskMetrics* find_task(const results::MetricsTable& table, const std::string& name) {
  for (const auto& t : table.tasks)
    if (t.task == name) return &t;
  return nullptr;
}

const results::MetricRow* find_metric(const results::TaskMetrics& task, const std::string& name) {
  for (const auto& m : task.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

// Per-problem values of a metric in both runs over the problems both answered, in a's order.
void paired_values(const results::TaskMetrics& ta, const results::MetricRow& ma, const results::TaskMetrics& tb,
                   const results::MetricRow& mb, std::vector<double>& a, std::vector<double>& b,
                   std::vector<std::string>* ids = nullptr) {
  std::map<std::string, size_t> in_b;
  for (size_t i = 0; i < tb.problem_ids.size(); ++i) in_b.emplace(tb.problem_ids[i], i);
  for (size_t i = 0; i < ta.problem_ids.size(); ++i) {
    auto found = in_b.find(ta.problem_ids[i]);
    if (found == in_b.end()) continue;
    a.push_back(ma.per_problem[i]);
    b.push_back(mb.per_problem[found->second]);
    if (ids) ids->push_back(ta.problem_ids[i]);
  }
}

// (task, problem) -> extracted answer of sample 0 under the task's scored (grader, rule).
std::map<std::pair<std::string, std::string>, std::string> first_answers(const results::Database& db, int64_t run,
                                                                         const results::MetricsTable& table) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto& t : table.tasks) {
    if (t.grader.empty()) continue;
    for (const auto& o : db.graded_outcomes(run, t.grader, t.rule, t.task))
      if (o.sample_index == 0) out[{o.task, o.problem_id}] = o.extracted;
  }
  return out;
}

ComparedRun describe_run(const results::Database& db, int64_t run_id) {
  ComparedRun out;
  out.run_id = run_id;
  auto run = db.get_run(run_id);
  if (!run) throw results::DatabaseError("compare run " + std::to_string(run_id), 0, "no such run in " + db.path());
  if (auto model = db.get_model(run->model_id)) out.model_path = model->path;
  out.throughput = results::throughput_for_run(db, run_id);
  return out;
}

std::string format_p(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, p < 0.001 ? "%.1e" : "%.3f", p);
  return buffer;
}

std::string format_rate(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

}  // namespace

RunComparison compare_runs(const results::Database& db, int64_t run_a, int64_t run_b) {
  RunComparison out;
  out.a = describe_run(db, run_a);
  out.b = describe_run(db, run_b);
  auto table_a = score_run(db, run_a);
  auto table_b = score_run(db, run_b);
  for (const auto& values : results::compare_metrics(table_a, table_b)) {
    const auto* ta = find_task(table_a, values.task);
    const auto* tb = find_task(table_b, values.task);
    std::vector<double> a, b;
    paired_values(*ta, *find_metric(*ta, values.metric), *tb, *find_metric(*tb, values.metric), a, b);
    out.metrics.push_back({values, paired_test(a, b)});
  }
  auto answers_a = first_answers(db, run_a, table_a);
  auto answers_b = first_answers(db, run_b, table_b);
  for (const auto& ta : table_a.tasks) {
    const auto* tb = find_task(table_b, ta.task);
    if (tb == nullptr || ta.metrics.empty() || tb->metrics.empty()) continue;
    // metrics[0] is avg@n in both tables: the per-problem accuracy over all samples.
    std::vector<double> a, b;
    std::vector<std::string> ids;
    paired_values(ta, ta.metrics[0], *tb, tb->metrics[0], a, b, &ids);
    for (size_t i = 0; i < ids.size(); ++i)
      if (std::abs(a[i] - b[i]) > 1e-12)
        out.disagreements.push_back({ta.task, ids[i], a[i], b[i], answers_a[{ta.task, ids[i]}],
                                     answers_b[{ta.task, ids[i]}]});
  }
  return out;
}

std::string format_run_comparison(const RunComparison& c, bool with_disagreements) {
  std::string out = "a: run " + std::to_string(c.a.run_id) + " (" + c.a.model_path + ")\nb: run " +
                    std::to_string(c.b.run_id) + " (" + c.b.model_path + ")\n";
  std::string current_task;
  std::unique_ptr<results::TextTable> table;
  auto flush = [&] {
    if (table) out += "\n" + current_task + "\n" + table->render();
  };
  for (const auto& m : c.metrics) {
    if (!table || m.values.task != current_task) {
      flush();
      current_task = m.values.task;
      table = std::make_unique<results::TextTable>(std::vector<std::string>{
          "metric", "a", "a 95% CI", "b", "b 95% CI", "b - a", "diff 95% CI", "shared", "test", "p"});
    }
    auto interval = [](const results::Estimate& e) {
      return "[" + results::format_percent(e.ci_low) + ", " + results::format_percent(e.ci_high) + "]";
    };
    table->add_row({m.values.metric, results::format_percent(m.values.a.mean), interval(m.values.a),
                    results::format_percent(m.values.b.mean), interval(m.values.b),
                    results::format_percent(m.values.difference.mean), interval(m.values.difference),
                    std::to_string(m.test.n_pairs), m.test.method, format_p(m.test.p_value)});
  }
  flush();
  results::TextTable speed({"run", "decode tok/s", "prefill tok/s", "mean gen tokens", "samples", "truncated"});
  for (const auto* r : {&c.a, &c.b})
    speed.add_row({r == &c.a ? "a" : "b", format_rate(r->throughput.aggregate_decode.tokens_per_second),
                   format_rate(r->throughput.aggregate_prefill.tokens_per_second),
                   format_rate(r->throughput.mean_completion_tokens), std::to_string(r->throughput.n_samples),
                   std::to_string(r->throughput.n_truncated)});
  out += "\nthroughput and length\n" + speed.render();
  if (with_disagreements) {
    results::TextTable table_d({"task", "problem", "acc a", "acc b", "answer a", "answer b"});
    for (const auto& d : c.disagreements)
      table_d.add_row({d.task, d.problem_id, results::format_percent(d.accuracy_a),
                       results::format_percent(d.accuracy_b), d.answer_a, d.answer_b});
    out += "\ndisagreements (" + std::to_string(c.disagreements.size()) + " problems)\n" + table_d.render();
  }
  return out;
}

nlohmann::json run_comparison_json(const RunComparison& c) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& m : c.metrics) {
    nlohmann::json j = m.values;
    j["test"] = {{"method", m.test.method}, {"p_value", m.test.p_value}, {"n_pairs", m.test.n_pairs},
                 {"n_a_only", m.test.n_a_only}, {"n_b_only", m.test.n_b_only}};
    metrics.push_back(j);
  }
  nlohmann::json disagreements = nlohmann::json::array();
  for (const auto& d : c.disagreements)
    disagreements.push_back({{"task", d.task}, {"problem_id", d.problem_id}, {"accuracy_a", d.accuracy_a},
                             {"accuracy_b", d.accuracy_b}, {"answer_a", d.answer_a}, {"answer_b", d.answer_b}});
  auto run = [](const ComparedRun& r) {
    return nlohmann::json{{"run_id", r.run_id}, {"model_path", r.model_path}, {"throughput", r.throughput}};
  };
  return {{"a", run(c.a)}, {"b", run(c.b)}, {"metrics", metrics}, {"disagreements", disagreements}};
}

}  // namespace rbench::evaluator
