// Generator on top of runtime::Engine (see runtime_adapter.h): converts the evaluator's jobs into generation
// requests and completions back into results, keeping the engine's batching.
#include "evaluator/runtime_adapter.h"

#include <exception>
#include <stdexcept>
#include <thread>

#include "evaluator/parallel_generator.h"
#include "runtime/engine.h"

namespace rbench::evaluator {

namespace {

class RuntimeGenerator : public Generator {
 public:
  explicit RuntimeGenerator(const RuntimeGeneratorOptions& options) : options_(options) {
    runtime::EngineOptions engine_options;
    engine_options.model_dir = options.model_dir;
    engine_options.device = options.device;
    engine_options.max_batch = options.max_batch;
    engine_options.chat_template = options.chat_template;
    engine_ = runtime::Engine::open(engine_options);
  }

  ModelDescription describe() const override {
    const auto& info = engine_->info();
    return {std::filesystem::absolute(options_.model_dir).lexically_normal().string(), info.architecture,
            info.config_sha256, info.weights_sha256, info.n_params, options_.device + " " + info.dtype};
  }

  void generate(std::vector<GenerationJob> jobs, const Sampling& sampling,
                const std::function<void(GenerationResult)>& on_done) override {
    std::vector<runtime::GenerationRequest> requests;
    requests.reserve(jobs.size());
    for (auto& job : jobs) {
      runtime::GenerationRequest r;
      r.id = job.key;
      for (auto& m : job.messages) r.messages.push_back({std::move(m.role), std::move(m.content)});
      r.sampling.temperature = sampling.temperature;
      r.sampling.top_p = sampling.top_p;
      r.sampling.top_k = sampling.top_k;
      r.sampling.min_p = sampling.min_p;
      r.sampling.max_new_tokens = sampling.max_new_tokens;
      r.sampling.seed = job.seed;
      requests.push_back(std::move(r));
    }
    engine_->generate(std::move(requests), [&](runtime::Completion c) {
      GenerationResult r;
      r.key = c.id;
      r.text = std::move(c.text);
      r.n_prompt_tokens = c.n_prompt_tokens;
      r.n_completion_tokens = static_cast<int>(c.tokens.size());
      r.finish_reason = std::string(runtime::to_string(c.finish_reason));
      r.error = std::move(c.error);
      r.prefill_seconds = c.prefill_seconds;
      r.decode_seconds = c.decode_seconds;
      on_done(std::move(r));
    });
  }

  GeneratorStats stats() const override {
    const runtime::Engine::Stats s = engine_->stats();
    GeneratorStats out;
    out.decode_steps = s.decode_steps;
    out.decode_tokens = s.decode_tokens;
    out.max_in_flight = s.max_in_flight;
    out.graphs_captured = s.graphs_captured;
    out.slots = s.slots;
    return out;
  }

 private:
  RuntimeGeneratorOptions options_;
  std::unique_ptr<runtime::Engine> engine_;
};

}  // namespace

std::unique_ptr<Generator> open_runtime_generator(const RuntimeGeneratorOptions& options) {
  return std::make_unique<RuntimeGenerator>(options);
}

std::unique_ptr<Generator> open_runtime_generators(const RuntimeGeneratorOptions& options,
                                                   const std::vector<std::string>& devices) {
  if (devices.empty()) throw std::invalid_argument("open_runtime_generators: no devices");
  if (devices.size() == 1) {
    RuntimeGeneratorOptions one = options;
    one.device = devices.front();
    return open_runtime_generator(one);
  }
  // Loading takes seconds to tens of seconds per device: load them all at once.
  std::vector<std::unique_ptr<Generator>> engines(devices.size());
  std::vector<std::exception_ptr> errors(devices.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    threads.emplace_back([&, i] {
      try {
        RuntimeGeneratorOptions one = options;
        one.device = devices[i];
        engines[i] = open_runtime_generator(one);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (!errors[i]) continue;
    try {
      std::rethrow_exception(errors[i]);
    } catch (const std::exception& e) {
      throw std::runtime_error("opening the engine on device '" + devices[i] + "': " + e.what());
    }
  }
  return std::make_unique<ParallelGenerator>(std::move(engines), options.max_batch);
}

}  // namespace rbench::evaluator
