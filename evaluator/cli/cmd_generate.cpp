// rbench generate: stream one completion for a prompt with the model's chat template applied, then a summary
// line (tokens, finish reason, prefill and decode speed) on stderr.
#include <cxxopts.hpp>
#include <iostream>

#include "evaluator/cli/commands.h"
#include "runtime/engine.h"

namespace rbench::cli {

int cmd_generate(const Args& args) {
  cxxopts::Options options("rbench generate", "stream one completion for a prompt (chat template applied)");
  options.add_options()
      ("model", "checkpoint directory (HF layout with tokenizer files)", cxxopts::value<std::string>())
      ("prompt", "the user message", cxxopts::value<std::string>())
      ("system", "an optional system message", cxxopts::value<std::string>())
      ("temperature", "0 = greedy", cxxopts::value<double>()->default_value("0"))
      ("top-p", "nucleus mass", cxxopts::value<double>()->default_value("1"))
      ("top-k", "0 = no limit", cxxopts::value<int>()->default_value("0"))
      ("min-p", "relative probability floor", cxxopts::value<double>()->default_value("0"))
      ("seed", "sampling seed", cxxopts::value<uint64_t>()->default_value("0"))
      ("max-tokens", "max new tokens", cxxopts::value<int>()->default_value("256"))
      ("stop", "stop string (repeatable)", cxxopts::value<std::vector<std::string>>())
      ("ignore-eos", "keep going past the eos tokens")
      ("device", "cpu or cuda[:n], optionally /f32 or /bf16 (e.g. cpu/bf16)", cxxopts::value<std::string>()->default_value("cpu"))
      ("chat-template", "template name instead of detection", cxxopts::value<std::string>())
      ("h,help", "show this help");
  ArgvView argv("rbench generate", args);
  auto p = options.parse(argv.argc(), argv.argv());
  if (p.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  for (const char* required : {"model", "prompt"}) {
    if (!p.count(required)) {
      std::cerr << "rbench generate: --" << required << " is required\n" << options.help() << "\n";
      return 2;
    }
  }
  runtime::EngineOptions e;
  e.model_dir = p["model"].as<std::string>();
  e.device = p["device"].as<std::string>();
  if (p.count("chat-template")) e.chat_template = p["chat-template"].as<std::string>();
  auto engine = runtime::Engine::open(e);

  runtime::GenerationRequest r;
  if (p.count("system")) r.messages.push_back({"system", p["system"].as<std::string>()});
  r.messages.push_back({"user", p["prompt"].as<std::string>()});
  r.sampling.temperature = p["temperature"].as<double>();
  r.sampling.top_p = p["top-p"].as<double>();
  r.sampling.top_k = p["top-k"].as<int>();
  r.sampling.min_p = p["min-p"].as<double>();
  r.sampling.seed = p["seed"].as<uint64_t>();
  r.sampling.max_new_tokens = p["max-tokens"].as<int>();
  if (p.count("stop")) r.sampling.stop = p["stop"].as<std::vector<std::string>>();
  r.sampling.ignore_eos = p.count("ignore-eos") > 0;

  int status = 0;
  engine->generate(
      {r},
      [&](runtime::Completion c) {
        std::cout << "\n" << std::flush;
        if (c.finish_reason == runtime::FinishReason::error) {
          std::cerr << "rbench generate: error: " << c.error << "\n";
          status = 1;
          return;
        }
        const double n = static_cast<double>(c.tokens.size());
        std::cerr << "[" << c.n_prompt_tokens << " prompt tokens, " << c.tokens.size() << " generated, finish "
                  << runtime::to_string(c.finish_reason) << "; prefill " << c.n_prompt_tokens / c.prefill_seconds
                  << " tok/s, decode " << (n > 1 ? (n - 1) / c.decode_seconds : 0.0) << " tok/s]\n";
      },
      [](uint64_t, std::string_view piece) { std::cout << piece << std::flush; });
  return status;
}

}  // namespace rbench::cli
