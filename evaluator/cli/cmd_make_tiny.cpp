// rbench make-tiny: a random tiny checkpoint in the exact Hugging Face layout (config.json,
// generation_config.json, model.safetensors with the real tensor names, tokenizer files).
#include <cxxopts.hpp>
#include <iostream>

#include "evaluator/cli/commands.h"
#include "runtime/tools.h"

namespace rbench::cli {

int cmd_make_tiny(const Args& args) {
  runtime::TinyCheckpointOptions d;
  cxxopts::Options options("rbench make-tiny", "write a random tiny checkpoint in Hugging Face layout");
  auto str = [](auto v) { return std::to_string(v); };
  options.add_options()
      ("arch", "architecture: phi4flash or phi3", cxxopts::value<std::string>()->default_value(d.arch))
      ("out", "output directory", cxxopts::value<std::string>())
      ("seed", "random seed", cxxopts::value<uint64_t>()->default_value(str(d.seed)))
      ("dtype", "storage dtype of the matrices: f32, bf16 or f16", cxxopts::value<std::string>()->default_value(d.dtype))
      ("layers", "decoder layers (a multiple of 4)", cxxopts::value<int64_t>()->default_value(str(d.n_layers)))
      ("hidden", "hidden size", cxxopts::value<int64_t>()->default_value(str(d.hidden)))
      ("heads", "query heads", cxxopts::value<int64_t>()->default_value(str(d.n_heads)))
      ("kv-heads", "key/value heads", cxxopts::value<int64_t>()->default_value(str(d.n_kv_heads)))
      ("intermediate", "MLP inner width", cxxopts::value<int64_t>()->default_value(str(d.intermediate)))
      ("vocab", "vocabulary rows (at least the tokenizer's)", cxxopts::value<int64_t>()->default_value(str(d.vocab)))
      ("window", "sliding window", cxxopts::value<int64_t>()->default_value(str(d.window)))
      ("d-state", "Mamba state size", cxxopts::value<int64_t>()->default_value(str(d.mamba_d_state)))
      ("layout", "sambay, samba or sambayoco", cxxopts::value<std::string>()->default_value(d.layout))
      ("plain-attention", "plain instead of differential attention")
      ("window-list", "write sliding_window as a per-layer list")
      ("shards", "number of safetensors shards", cxxopts::value<int>()->default_value("1"))
      ("no-tokenizer", "skip the tokenizer files")
      ("original-max-positions", "phi3: original_max_position_embeddings (longer sequences use the long RoPE factors)",
       cxxopts::value<int64_t>()->default_value(str(d.original_max_positions)))
      ("rotary-fraction", "phi3: partial_rotary_factor", cxxopts::value<double>()->default_value(str(d.rotary_fraction)))
      ("untied", "phi3: a separate lm_head.weight instead of the tied embedding")
      ("h,help", "show this help");
  ArgvView argv("rbench make-tiny", args);
  auto p = options.parse(argv.argc(), argv.argv());
  if (p.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!p.count("out")) {
    std::cerr << "rbench make-tiny: --out is required\n" << options.help() << "\n";
    return 2;
  }
  runtime::TinyCheckpointOptions o;
  o.out_dir = p["out"].as<std::string>();
  o.arch = p["arch"].as<std::string>();
  o.seed = p["seed"].as<uint64_t>();
  o.dtype = p["dtype"].as<std::string>();
  o.n_layers = p["layers"].as<int64_t>();
  o.hidden = p["hidden"].as<int64_t>();
  o.n_heads = p["heads"].as<int64_t>();
  o.n_kv_heads = p["kv-heads"].as<int64_t>();
  o.intermediate = p["intermediate"].as<int64_t>();
  o.vocab = p["vocab"].as<int64_t>();
  o.window = p["window"].as<int64_t>();
  o.mamba_d_state = p["d-state"].as<int64_t>();
  o.layout = p["layout"].as<std::string>();
  o.differential = p.count("plain-attention") == 0;
  o.window_as_list = p.count("window-list") > 0;
  o.n_shards = p["shards"].as<int>();
  o.write_tokenizer = p.count("no-tokenizer") == 0;
  o.original_max_positions = p["original-max-positions"].as<int64_t>();
  o.rotary_fraction = p["rotary-fraction"].as<double>();
  o.tie_embeddings = p.count("untied") == 0;
  runtime::make_tiny_checkpoint(o);
  std::cout << "wrote " << o.out_dir.string() << "\n";
  return 0;
}

}  // namespace rbench::cli
