// rbench train-default: trains the embedded default model, a tiny SambaY, on the synthetic arithmetic corpus of
// tasks/arith.h (held-out problems excluded) and writes it as a Hugging Face checkpoint that `rbench run`
// loads like any other. Deterministic for a seed (and a thread count); --minutes caps the wall time.
#include <cxxopts.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "evaluator/cli/commands.h"
#include "runtime/training.h"
#include "tasks/arith.h"

namespace rbench::cli {

namespace {

std::vector<tasks::ArithKind> parse_kinds(const std::string& list) {
  std::vector<tasks::ArithKind> kinds;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "add") kinds.push_back(tasks::ArithKind::add);
    else if (item == "sub") kinds.push_back(tasks::ArithKind::sub);
    else if (item == "mul") kinds.push_back(tasks::ArithKind::mul);
    else if (item == "linear") kinds.push_back(tasks::ArithKind::linear);
    else throw std::invalid_argument("--kinds: unknown kind '" + item + "' (add, sub, mul, linear)");
  }
  if (kinds.empty()) throw std::invalid_argument("--kinds names no kind");
  return kinds;
}

}  // namespace

int cmd_train_default(const Args& args) {
  runtime::TrainOptions d;
  auto str = [](auto v) { std::ostringstream s; s << v; return s.str(); };
  cxxopts::Options options("rbench train-default", "train the embedded default model (tiny SambaY on arithmetic)");
  options.add_options()
      ("out", "output checkpoint directory", cxxopts::value<std::string>())
      ("seed", "seed of the data stream and the weights", cxxopts::value<uint64_t>()->default_value("0"))
      ("steps", "optimizer steps", cxxopts::value<int64_t>()->default_value(str(d.steps)))
      ("minutes", "stop after this many minutes even if steps remain (0 = no cap)",
       cxxopts::value<double>()->default_value("0"))
      ("batch", "sequences per step", cxxopts::value<int64_t>()->default_value(str(d.batch_size)))
      ("lr", "peak learning rate", cxxopts::value<double>()->default_value(str(d.lr)))
      ("threads", "CPU threads (0 = LibTorch default; 1 is fastest for this model)", cxxopts::value<int>()->default_value(str(d.threads)))
      ("hidden", "hidden size", cxxopts::value<int64_t>()->default_value(str(d.hidden)))
      ("layers", "layers (a multiple of 4)", cxxopts::value<int64_t>()->default_value(str(d.n_layers)))
      ("heads", "query heads", cxxopts::value<int64_t>()->default_value(str(d.n_heads)))
      ("intermediate", "MLP inner width", cxxopts::value<int64_t>()->default_value(str(d.intermediate)))
      ("d-state", "Mamba SSM state size", cxxopts::value<int64_t>()->default_value(str(d.mamba_d_state)))
      ("kinds", "problem kinds drawn in turn: comma list of add, sub, mul, linear (a repeated kind is drawn more often;"
       " the default doubles mul, whose digit products a small model learns last)",
       cxxopts::value<std::string>()->default_value("add,sub,mul,linear,mul"))
      ("max-digits", "largest operand digits (1..3)", cxxopts::value<int>()->default_value("3"))
      ("quiet", "no progress lines")
      ("h,help", "this help");
  ArgvView argv("rbench train-default", args);
  auto p = options.parse(argv.argc(), argv.argv());
  if (p.count("help")) {
    std::cout << options.help() << "\n";
    return 0;
  }
  if (!p.count("out")) {
    std::cerr << "rbench train-default: --out is required\n" << options.help() << "\n";
    return 2;
  }
  runtime::TrainOptions o;
  o.out_dir = p["out"].as<std::string>();
  o.seed = p["seed"].as<uint64_t>();
  o.steps = p["steps"].as<int64_t>();
  o.max_seconds = 60.0 * p["minutes"].as<double>();
  o.batch_size = p["batch"].as<int64_t>();
  o.lr = p["lr"].as<double>();
  o.threads = p["threads"].as<int>();
  o.hidden = p["hidden"].as<int64_t>();
  o.n_layers = p["layers"].as<int64_t>();
  o.n_heads = p["heads"].as<int64_t>();
  o.intermediate = p["intermediate"].as<int64_t>();
  o.mamba_d_state = p["d-state"].as<int64_t>();
  o.n_kv_heads = std::max<int64_t>(2, o.n_heads / 2);
  tasks::ArithMix mix;
  mix.kinds = parse_kinds(p["kinds"].as<std::string>());
  mix.max_digits = p["max-digits"].as<int>();
  if (!p.count("quiet")) {
    o.on_progress = [](const runtime::TrainProgress& s) {
      std::cerr << "step " << s.step << "/" << s.total_steps << "  loss " << std::fixed << std::setprecision(4)
                << s.loss << "  lr " << std::scientific << std::setprecision(2) << s.lr << std::fixed
                << std::setprecision(1) << "  " << s.seconds << " s\n";
    };
  }

  std::vector<runtime::TrainingExample> examples;
  for (auto& e : tasks::arith_training_examples(o.seed, static_cast<std::size_t>(o.steps * o.batch_size), mix)) {
    runtime::TrainingExample t;
    for (auto& m : e.prompt) t.prompt.push_back({m.role, m.content});
    t.completion = std::move(e.completion);
    examples.push_back(std::move(t));
  }
  const auto report = runtime::train_tiny_sambay(o, examples);
  std::cout << "trained " << o.out_dir.string() << ": " << report.n_params << " parameters, vocab " << report.vocab
            << ", " << report.steps << " steps of " << o.batch_size << " (longest sequence " << report.max_tokens
            << " tokens), loss " << std::setprecision(4) << report.first_loss << " -> " << report.final_loss << ", "
            << std::fixed << std::setprecision(1) << report.seconds << " s" << (report.stopped_by_time ? " (stopped by --minutes)" : "")
            << "\n";
  return 0;
}

}  // namespace rbench::cli
