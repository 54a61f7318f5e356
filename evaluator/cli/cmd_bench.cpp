// rbench bench: prefill and decode speed of a checkpoint or of random weights at a real shape, with peak GPU
// memory and the bytes-per-step roofline over the copy bandwidth measured in the same run (runtime::bench).
// Prints a readable summary, or one JSON object with --json.
#include <cxxopts.hpp>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "evaluator/cli/commands.h"
#include "runtime/tools.h"

namespace rbench::cli {

namespace {

nlohmann::json to_json(const runtime::BenchResult& r) {
  return {{"arch", r.arch},
          {"device", r.device},
          {"dtype", r.dtype},
          {"n_params", r.n_params},
          {"prompt_len", r.prompt_len},
          {"gen_len", r.gen_len},
          {"concurrency", r.concurrency},
          {"prefill_seconds", r.prefill_seconds},
          {"decode_seconds", r.decode_seconds},
          {"prefill_tokens_per_s", r.prefill_tokens_per_s},
          {"decode_tokens_per_s", r.decode_tokens_per_s},
          {"ms_per_output_token", r.ms_per_output_token},
          {"peak_memory_gib", r.peak_memory_gib},
          {"copy_bandwidth_gbs", r.copy_bandwidth_gbs},
          {"weight_bytes_per_step", r.weight_bytes_per_step},
          {"state_bytes_per_step", r.state_bytes_per_step},
          {"roofline_tokens_per_s", r.roofline_tokens_per_s},
          {"roofline_fraction", r.roofline_fraction}};
}

void print_summary(const runtime::BenchResult& r) {
  std::cout << std::fixed << std::setprecision(2) << r.arch << " on " << r.device << " (" << r.dtype << ", "
            << r.n_params << " parameters), prompt " << r.prompt_len << " + " << r.gen_len << " generated, "
            << r.concurrency << " sequence(s) in flight\n"
            << "  prefill  " << r.prefill_tokens_per_s << " tok/s (" << r.prefill_seconds << " s)\n"
            << "  decode   " << r.decode_tokens_per_s << " tok/s, " << r.ms_per_output_token
            << " ms per output token (" << r.decode_seconds << " s)\n"
            << "  peak GPU memory " << r.peak_memory_gib << " GiB\n"
            << "  roofline " << r.roofline_tokens_per_s << " tok/s = (" << r.weight_bytes_per_step / 1e9
            << " GB weights + " << r.state_bytes_per_step / 1e9 << " GB state per step) over " << r.copy_bandwidth_gbs
            << " GB/s measured copy bandwidth; achieved " << 100 * r.roofline_fraction << "%\n";
}

}  // namespace

int cmd_bench(const Args& args) {
  cxxopts::Options options("rbench bench", "prefill/decode speed against the bytes-per-step roofline");
  options.add_options()
      ("model", "checkpoint directory (HF layout); else random weights", cxxopts::value<std::string>())
      ("random-weights", "random weights at the released shape or --config's (the default without --model)")
      ("arch", "phi4flash | phi3 (phi3 needs --config)", cxxopts::value<std::string>()->default_value("phi4flash"))
      ("config", "config.json giving the shape of the random weights", cxxopts::value<std::string>())
      ("device", "cpu or cuda[:n], optionally /f32 or /bf16", cxxopts::value<std::string>()->default_value("cuda"))
      ("prompt-len", "prompt tokens per sequence", cxxopts::value<int64_t>()->default_value("2048"))
      ("gen-len", "generated tokens per sequence (eos ignored)", cxxopts::value<int64_t>()->default_value("256"))
      ("concurrency", "sequences in flight", cxxopts::value<int64_t>()->default_value("1"))
      ("seed", "seed of the random weights", cxxopts::value<uint64_t>()->default_value("0"))
      ("json", "print one JSON object")
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
  o.concurrency = parsed["concurrency"].as<int64_t>();
  o.seed = parsed["seed"].as<uint64_t>();
  const runtime::BenchResult r = runtime::bench(o);
  if (parsed.count("json")) {
    std::cout << to_json(r).dump() << "\n";
  } else {
    print_summary(r);
  }
  return 0;
}

}  // namespace rbench::cli
