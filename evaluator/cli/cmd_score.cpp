// rbench score: float32 logits [T, vocab] of a token sequence, written as tensor "logits" to a safetensors file;
// --stepwise runs the tokens one at a time through the decode path. Needs only config.json and the weights.
#include <cxxopts.hpp>
#include <iostream>
#include <sstream>

#include "evaluator/cli/commands.h"
#include "runtime/tools.h"

namespace rbench::cli {

namespace {

std::vector<int32_t> parse_ids(const std::string& text) {
  std::vector<int32_t> ids;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    std::size_t used = 0;
    const long value = std::stol(item, &used);
    if (used != item.size()) throw std::runtime_error("--ids: '" + item + "' is not an integer");
    ids.push_back(static_cast<int32_t>(value));
  }
  return ids;
}

}  // namespace

int cmd_score(const Args& args) {
  cxxopts::Options options("rbench score", "write the float32 logits of a token sequence to a safetensors file");
  options.add_options()
      ("model", "checkpoint directory (HF layout)", cxxopts::value<std::string>())
      ("ids", "comma-separated token ids", cxxopts::value<std::string>())
      ("out", "output .safetensors file", cxxopts::value<std::string>())
      ("stepwise", "one token at a time through the decode path")
      ("device", "cpu or cuda[:n], optionally /f32 or /bf16 (e.g. cpu/bf16)", cxxopts::value<std::string>()->default_value("cpu"))
      ("chunk", "prefill chunk size in tokens (0 = all at once)", cxxopts::value<int64_t>()->default_value("0"))
      ("h,help", "show this help");
  ArgvView argv("rbench score", args);
  auto parsed = options.parse(argv.argc(), argv.argv());
  if (parsed.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  for (const char* required : {"model", "ids", "out"}) {
    if (!parsed.count(required)) {
      std::cerr << "rbench score: --" << required << " is required\n" << options.help() << "\n";
      return 2;
    }
  }
  runtime::ScoreOptions o;
  o.model_dir = parsed["model"].as<std::string>();
  o.ids = parse_ids(parsed["ids"].as<std::string>());
  o.out_file = parsed["out"].as<std::string>();
  o.stepwise = parsed.count("stepwise") > 0;
  o.device = parsed["device"].as<std::string>();
  o.prefill_chunk = parsed["chunk"].as<int64_t>();
  runtime::score(o);
  return 0;
}

}  // namespace rbench::cli
