// Engine: loads model, tokenizer, chat template and stop ids once; runs requests through the continuous batcher
// over a state pool sized from the requests' lengths and the device's free memory (kept between calls while it
// fits), turning any failure inside a request into an error Completion.
#include "runtime/engine.h"

#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/model/safetensors.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/registry.h"
#include "runtime/scheduler/continuous_batcher.h"

namespace rbench::runtime {

namespace {

std::string sha256_of_files(const std::vector<std::filesystem::path>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& f : files) {
    MappedFile mapped(f);
    EVP_DigestUpdate(ctx, mapped.data(), mapped.size());
  }
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<int32_t> read_ids(const nlohmann::json& value) {
  std::vector<int32_t> ids;
  if (value.is_number_integer()) ids.push_back(value.get<int32_t>());
  else if (value.is_array())
    for (const auto& v : value) ids.push_back(v.get<int32_t>());
  return ids;
}

// generation_config.json's eos_token_id, else config.json's.
std::vector<int32_t> stop_ids(const std::filesystem::path& dir) {
  for (const char* name : {"generation_config.json", "config.json"}) {
    std::ifstream in(dir / name);
    if (!in) continue;
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("eos_token_id")) return read_ids(j["eos_token_id"]);
  }
  return {};
}

}  // namespace

struct Engine::Impl {
  EngineOptions options;
  std::unique_ptr<Model> model;
  std::unique_ptr<Tokenizer> tokenizer;
  std::optional<ChatTemplate> chat_template;
  std::vector<int32_t> eos_ids;
  ModelInfo info;
  // The pool and the batcher over it (its CUDA graphs hold the pool's addresses), rebuilt when a call needs
  // longer sequences or more slots.
  std::unique_ptr<StatePool> pool;
  std::unique_ptr<ContinuousBatcher> batcher;
  GenerationLimits limits;
  Stats totals;

  ContinuousBatcher& batcher_for(int64_t capacity, int64_t n_requests);
};

ContinuousBatcher& Engine::Impl::batcher_for(int64_t capacity, int64_t n_requests) {
  const int64_t wanted = std::max<int64_t>(1, std::min<int64_t>(options.max_batch, n_requests));
  if (pool && pool->capacity() >= capacity && pool->n_slots() - 1 >= wanted) return *batcher;
  if (batcher) {
    const BatcherStats& s = batcher->stats();
    totals.decode_steps += s.decode_steps, totals.decode_tokens += s.decode_tokens;
    totals.prefill_tokens += s.prefill_tokens, totals.graphs_captured += s.graphs_captured;
    totals.decode_seconds += s.decode_seconds, totals.prefill_seconds += s.prefill_seconds;
    totals.max_in_flight = std::max(totals.max_in_flight, s.max_in_flight);
  }
  batcher.reset();
  pool.reset();  // free the old pool before sizing the new one from free memory
  const StateSpec& spec = model->state_spec();
  // Working memory per sequence in flight: the sampler's float32/int64 copies of a logits row.
  const int64_t workspace = 40 * model->vocab_size();
  const int64_t slots = StatePool::slots_that_fit(spec, capacity, wanted + 1, workspace);
  if (slots < 2)
    throw std::runtime_error("engine: device memory holds no sequence of " + std::to_string(capacity) + " tokens");
  pool = std::make_unique<StatePool>(spec, slots, capacity);
  batcher = std::make_unique<ContinuousBatcher>(*model, *pool, limits,
                                                BatcherOptions{options.prefill_chunk, options.cuda_graphs});
  return *batcher;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::unique_ptr<Engine> Engine::open(const EngineOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const auto& dir = options.model_dir;
  impl->model = load_model(dir, options.device);
  impl->tokenizer = load_tokenizer(dir);
  impl->chat_template = ChatTemplate::for_model(dir, options.chat_template);
  impl->eos_ids = stop_ids(dir);
  impl->limits = GenerationLimits{impl->eos_ids, options.prefill_chunk, impl->tokenizer->vocab_size()};
  std::ifstream config(dir / "config.json");
  const auto j = nlohmann::json::parse(config);
  impl->info.architecture = j.value("model_type", "");
  impl->info.config_sha256 = sha256_of_files({dir / "config.json"});
  impl->info.weights_sha256 = sha256_of_files(CheckpointSource(dir).files());
  impl->info.n_params = impl->model->n_params();
  impl->info.dtype = impl->model->dtype_name();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

const ModelInfo& Engine::info() const { return impl_->info; }

std::vector<int32_t> Engine::prompt_ids(const GenerationRequest& request) const {
  if (request.messages.empty()) return request.prompt_ids;
  const std::string text = impl_->chat_template->render(request.messages, true);
  return impl_->tokenizer->encode(text, true);
}

Engine::Stats Engine::stats() const {
  Stats total = impl_->totals;
  if (impl_->batcher) {
    const BatcherStats& s = impl_->batcher->stats();
    total.decode_steps += s.decode_steps, total.decode_tokens += s.decode_tokens;
    total.prefill_tokens += s.prefill_tokens, total.graphs_captured += s.graphs_captured;
    total.decode_seconds += s.decode_seconds, total.prefill_seconds += s.prefill_seconds;
    total.max_in_flight = std::max(total.max_in_flight, s.max_in_flight);
  }
  total.slots = impl_->pool ? impl_->pool->n_slots() - 1 : 0;
  return total;
}

void Engine::generate(std::vector<GenerationRequest> requests, const std::function<void(Completion)>& on_done,
                      const std::function<void(uint64_t id, std::string_view piece)>& on_piece) {
  // Requests whose prompt cannot be built fail here; the others go to the batcher.
  std::vector<BatchJob> jobs;
  std::vector<std::size_t> job_request;                      // job index -> request index
  std::vector<std::unique_ptr<IncrementalDecoder>> decoders;  // one per job: its text so far
  int64_t capacity = 1;
  for (std::size_t r = 0; r < requests.size(); ++r) {
    const GenerationRequest& request = requests[r];
    try {
      BatchJob job;
      job.prompt = prompt_ids(request);
      job.params = request.sampling;
      auto decoder = std::make_unique<IncrementalDecoder>(*impl_->tokenizer, true);
      job.decode_piece = [d = decoder.get()](int32_t id) { return d->push(id); };
      if (on_piece) job.on_piece = [&on_piece, id = request.id](std::string_view piece) { on_piece(id, piece); };
      capacity = std::max<int64_t>(
          capacity, static_cast<int64_t>(job.prompt.size()) + std::max(0, request.sampling.max_new_tokens));
      jobs.push_back(std::move(job));
      job_request.push_back(r);
      decoders.push_back(std::move(decoder));
    } catch (const std::exception& e) {
      Completion c;
      c.id = request.id;
      c.finish_reason = FinishReason::error;
      c.error = e.what();
      on_done(std::move(c));
    }
  }
  if (jobs.empty()) return;
  std::vector<int32_t> n_prompt;
  for (const auto& job : jobs) n_prompt.push_back(static_cast<int32_t>(job.prompt.size()));
  auto complete = [&](std::size_t j, GenerationOutcome out) {
    Completion c;
    c.id = requests[job_request[j]].id;
    c.n_prompt_tokens = n_prompt[j];
    if (out.finish_reason == FinishReason::length) {
      const std::string tail = decoders[j]->flush();
      out.text += tail;
      if (on_piece && !tail.empty()) on_piece(c.id, tail);
    }
    c.tokens = std::move(out.tokens);
    c.text = std::move(out.text);
    c.finish_reason = out.finish_reason;
    c.error = std::move(out.error);
    c.prefill_seconds = out.prefill_seconds;
    c.decode_seconds = out.decode_seconds;
    decoders[j].reset();
    on_done(std::move(c));
  };
  ContinuousBatcher* batcher = nullptr;
  try {
    batcher = &impl_->batcher_for(capacity, static_cast<int64_t>(jobs.size()));
  } catch (const std::exception& e) {
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      GenerationOutcome out;
      out.finish_reason = FinishReason::error;
      out.error = e.what();
      complete(j, std::move(out));
    }
    return;
  }
  batcher->run(std::move(jobs), complete);
}

}  // namespace rbench::runtime
