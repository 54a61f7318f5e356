// rbench bench: prefill and decode speed of a checkpoint or of random weights at a real shape on the
// continuous-batching engine's pieces, with peak GPU memory, a context sweep that predicts a long workload, and
// the bytes-per-step roofline over the copy bandwidth measured in the same run (runtime::bench). Prints a readable
// summary, or one JSON object with --json; with --db it also stores the measurement as a run of its own in the
// results database (bench_records.h), which `rbench runs` and `rbench show` then list.
#include <cxxopts.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "evaluator/cli/bench_records.h"
#include "evaluator/cli/commands.h"
#include "rbench_version.h"
#include "results/database.h"
#include "runtime/tools.h"

namespace rbench::cli {

namespace {

void print_summary(const runtime::BenchResult& r) {
  std::cout << std::fixed << std::setprecision(2) << r.arch << " on " << r.device << " (" << r.dtype << ", "
            << r.n_params << " parameters), prompt " << r.prompt_len << " + " << r.gen_len << " generated, "
            << r.concurrency << " sequence(s) in flight, slots of " << r.capacity << " tokens ("
            << r.state_gib_per_sequence << " GiB each), CUDA graphs " << (r.cuda_graphs ? "on" : "off") << " ("
            << r.graphs_captured << " captured)\n"
            << "  measured  copy " << r.copy_bandwidth_gbs << " GB/s, matmul " << r.matmul_tflops << " TFLOP/s\n"
            << "  prefill   batch 1: " << r.prefill_tokens_per_s << " tok/s (" << r.prefill_seconds << " s) = "
            << r.prefill_vs_flops << "x the FLOPs time (" << r.prefill_flops / 1e12 << " TFLOP)\n"
            << "  decode    " << r.decode_steps << " steps: " << r.decode_tokens_per_s << " tok/s, "
            << r.ms_per_output_token << " ms per output token (" << r.decode_seconds << " s)\n"
            << "  roofline  " << r.roofline_tokens_per_s << " tok/s = (" << r.weight_bytes_per_step / 1e9
            << " GB weights + " << r.state_bytes_per_step / 1e9 << " GB state per step) over the copy bandwidth; "
            << "achieved " << 100 * r.roofline_fraction << "%\n"
            << "  peak GPU memory " << r.peak_memory_gib << " GiB\n";
  for (const runtime::BenchSweepPoint& p : r.sweep)
    std::cout << "  context " << std::setw(8) << p.context << ": " << 1e3 * p.step_seconds << " ms/step, "
              << p.tokens_per_s << " tok/s, " << 100 * p.roofline_fraction << "% of roofline\n";
  if (!r.sweep.empty()) {
    std::cout << "  predicted " << r.prompt_len << " + " << r.gen_len << ": decode " << r.predicted_decode_seconds
              << " s (" << r.predicted_decode_tokens_per_s << " tok/s, " << r.predicted_ms_per_output_token
              << " ms per output token, " << 100 * r.predicted_roofline_fraction << "% of roofline), wall "
              << r.predicted_wall_seconds << " s\n";
    if (r.predicted_vs_measured > 0)
      std::cout << "  predicted / measured decode time of this complete run: " << r.predicted_vs_measured << "\n";
  }
}

std::vector<int64_t> parse_contexts(const std::string& list) {
  std::vector<int64_t> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    try {
      out.push_back(std::stoll(item));
    } catch (const std::exception&) {
      throw std::invalid_argument("rbench bench: --sweep '" + list + "': '" + item + "' is not a token count");
    }
  }
  return out;
}

}  // namespace

int cmd_bench(const Args& args) {
  cxxopts::Options options("rbench bench", "prefill/decode speed against the bytes-per-step roofline");
  options.add_options()
      ("model", "checkpoint directory (HF layout); else random weights", cxxopts::value<std::string>())
      ("random-weights", "random weights at the released shape or --config's (the default without --model)")
      ("arch", "phi4flash | phi3 (released shapes)", cxxopts::value<std::string>()->default_value("phi4flash"))
      ("config", "config.json giving the shape of the random weights", cxxopts::value<std::string>())
      ("device", "cpu or cuda[:n], optionally /f32 or /bf16", cxxopts::value<std::string>()->default_value("cuda"))
      ("prompt-len", "prompt tokens per sequence", cxxopts::value<int64_t>()->default_value("2048"))
      ("gen-len", "generated tokens per sequence (eos ignored)", cxxopts::value<int64_t>()->default_value("256"))
      ("concurrency", "sequences in flight, or max (as many as fit the GPU at prompt + gen tokens)",
       cxxopts::value<std::string>()->default_value("1"))
      ("decode-steps", "timed decode steps from the prompt (0 = the whole generation)",
       cxxopts::value<int64_t>()->default_value("0"))
      ("sweep", "contexts to time decode steps at, e.g. 2048,8192,16384,24576,34816 (predicts the workload)",
       cxxopts::value<std::string>()->default_value(""))
      ("sweep-steps", "timed steps per sweep context", cxxopts::value<int64_t>()->default_value("8"))
      ("no-graphs", "decode steps eagerly instead of replaying CUDA graphs")
      ("temperature", "0 = greedy", cxxopts::value<double>()->default_value("0"))
      ("top-p", "nucleus mass", cxxopts::value<double>()->default_value("1"))
      ("seed", "seed of the random weights and the sampling", cxxopts::value<uint64_t>()->default_value("0"))
      ("json", "print one JSON object")
      ("db", "also store the result as a run in this results database (created if missing)",
       cxxopts::value<std::string>())
      ("h,help", "show this help");
  ArgvView argv("rbench bench", args);
  auto parsed = options.parse(argv.argc(), argv.argv());
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (parsed.count("model") && parsed.count("random-weights")) {
    std::cerr << "rbench bench: --model and --random-weights exclude each other\n";
    return 2;
  }
  runtime::BenchOptions o;
  if (parsed.count("model")) o.model_dir = parsed["model"].as<std::string>();
  if (parsed.count("config")) o.config_file = parsed["config"].as<std::string>();
  o.arch = parsed["arch"].as<std::string>();
  o.device = parsed["device"].as<std::string>();
  o.prompt_len = parsed["prompt-len"].as<int64_t>();
  o.gen_len = parsed["gen-len"].as<int64_t>();
  const std::string concurrency = parsed["concurrency"].as<std::string>();
  try {
    o.concurrency = concurrency == "max" ? 0 : std::stoll(concurrency);
  } catch (const std::exception&) {
    std::cerr << "rbench bench: --concurrency must be a number or max, got '" << concurrency << "'\n";
    return 2;
  }
  if (o.concurrency < 0 || (o.concurrency == 0 && concurrency != "max")) {
    std::cerr << "rbench bench: --concurrency must be >= 1 or max, got '" << concurrency << "'\n";
    return 2;
  }
  o.decode_steps = parsed["decode-steps"].as<int64_t>();
  o.sweep_contexts = parse_contexts(parsed["sweep"].as<std::string>());
  o.sweep_steps = parsed["sweep-steps"].as<int64_t>();
  o.cuda_graphs = parsed.count("no-graphs") == 0;
  o.temperature = parsed["temperature"].as<double>();
  o.top_p = parsed["top-p"].as<double>();
  o.seed = parsed["seed"].as<uint64_t>();
  const std::string started_at = utc_timestamp_now();
  const runtime::BenchResult r = runtime::bench(o);
  const std::string result_json = runtime::bench_result_json(r);
  if (parsed.count("json")) {
    std::cout << result_json << "\n";
  } else {
    print_summary(r);
  }
  if (parsed.count("db")) {
    const BenchProvenance provenance{concurrency, shell_command_line("rbench bench", args), started_at,
                                     RBENCH_GIT_COMMIT, RBENCH_VERSION};
    const BenchRunRecords records = bench_run_records(o, r, result_json, provenance);
    const std::string db_path = parsed["db"].as<std::string>();
    results::Database db(db_path);
    const int64_t run_id = db.insert_bench_run(records.model, records.run, records.phases, records.bench);
    // stderr: with --json, stdout stays the one JSON line that scripts/gpu/bench.sh parses.
    std::cerr << "rbench bench: stored as run " << run_id << " in " << db_path << " (rbench show " << run_id
              << " --db " << db_path << ")\n";
  }
  return 0;
}

}  // namespace rbench::cli
