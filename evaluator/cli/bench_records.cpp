// Building the results-database rows of one `rbench bench` measurement (see bench_records.h).
#include "evaluator/cli/bench_records.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

namespace rbench::cli {
namespace {

std::string to_hex(const unsigned char* digest, unsigned int length) {
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

// Lowercase hex sha256 of the files' bytes in the given order, read in chunks (a checkpoint is gigabytes).
std::string sha256_of_files(const std::vector<std::filesystem::path>& files) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("rbench bench: cannot start a sha256 digest (OpenSSL)");
  std::vector<char> chunk(std::size_t{1} << 20);
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("rbench bench: cannot read '" + file.string() + "' to hash it");
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
      EVP_DigestUpdate(context.get(), chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (in.bad()) throw std::runtime_error("rbench bench: read error in '" + file.string() + "' while hashing it");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest, &length);
  return to_hex(digest, length);
}

std::string sha256_of_text(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("rbench bench: sha256 of the released config failed (OpenSSL)");
  return to_hex(digest, length);
}

// The checkpoint's weight files in file-name order, as the engine hashes them when `rbench run` loads it, so a
// bench of a checkpoint and an evaluation of it share one model row.
std::vector<std::filesystem::path> weight_files(const std::filesystem::path& model_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(model_dir))
    if (entry.is_regular_file() && entry.path().extension() == ".safetensors") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::runtime_error("rbench bench: no *.safetensors in '" + model_dir.string() + "'");
  return files;
}

results::ModelRecord model_record(const runtime::BenchOptions& options, const runtime::BenchResult& result) {
  results::ModelRecord model;
  model.architecture = result.arch;
  model.n_params = result.n_params;
  if (!options.model_dir.empty()) {
    const std::filesystem::path dir = std::filesystem::absolute(options.model_dir).lexically_normal();
    model.path = dir.string();
    model.config_sha256 = sha256_of_files({dir / "config.json"});
    model.weights_sha256 = sha256_of_files(weight_files(dir));
    return model;
  }
  // Random weights: the shape is the identity of the model, the seed that of its weights.
  if (!options.config_file.empty()) {
    const std::filesystem::path config = std::filesystem::absolute(options.config_file).lexically_normal();
    model.path = "random weights: " + config.string();
    model.config_sha256 = sha256_of_files({config});
  } else {
    model.path = "random weights: released " + options.arch + " shape";
    model.config_sha256 = sha256_of_text(runtime::released_config_json(options.arch));
  }
  model.weights_sha256 = "random, seed " + std::to_string(options.seed);
  return model;
}

}  // namespace

std::string bench_settings_json(const runtime::BenchOptions& options, const std::string& concurrency_flag) {
  nlohmann::json settings = {{"bench", true},
                             {"prompt_len", options.prompt_len},
                             {"gen_len", options.gen_len},
                             {"concurrency", concurrency_flag},
                             {"decode_steps", options.decode_steps},
                             {"sweep", options.sweep_contexts},
                             {"sweep_steps", options.sweep_steps},
                             {"cuda_graphs", options.cuda_graphs},
                             {"temperature", options.temperature},
                             {"top_p", options.top_p}};
  return settings.dump();
}

BenchRunRecords bench_run_records(const runtime::BenchOptions& options, const runtime::BenchResult& result,
                                  const std::string& result_json, const BenchProvenance& provenance) {
  BenchRunRecords out;
  out.model = model_record(options, result);

  results::RunRecord& run = out.run;
  run.suite = "bench";
  run.sampling_json = bench_settings_json(options, provenance.concurrency_flag);
  run.seed = static_cast<int64_t>(options.seed);
  run.git_commit = provenance.git_commit;
  run.harness_version = provenance.harness_version;
  run.device = result.device + " " + result.dtype;
  run.started_at = provenance.started_at;
  run.status = "complete";
  run.command_line = provenance.command_line;

  results::ThroughputRecord prefill;  // one prompt at batch 1
  prefill.phase = "prefill";
  prefill.tokens = result.prompt_len;
  prefill.seconds = result.prefill_seconds;
  prefill.batch = 1;
  prefill.device = run.device;
  prefill.max_in_flight = 1;
  results::ThroughputRecord decode;  // every sequence in flight for the timed steps
  decode.phase = "decode";
  decode.tokens = result.decode_steps * result.concurrency;
  decode.seconds = result.decode_seconds;
  decode.batch = std::max<int64_t>(result.concurrency, 1);
  decode.device = run.device;
  decode.decode_steps = result.decode_steps;
  decode.max_in_flight = result.concurrency;
  decode.graphs_captured = result.graphs_captured;
  out.phases = {prefill, decode};

  results::BenchRecord& bench = out.bench;
  bench.dtype = result.dtype;
  bench.prompt_len = result.prompt_len;
  bench.gen_len = result.gen_len;
  bench.concurrency = result.concurrency;
  bench.capacity = result.capacity;
  bench.cuda_graphs = result.cuda_graphs;
  bench.prefill_tokens_per_s = result.prefill_tokens_per_s;
  bench.decode_tokens_per_s = result.decode_tokens_per_s;
  bench.ms_per_output_token = result.ms_per_output_token;
  bench.peak_memory_gib = result.peak_memory_gib;
  bench.state_gib_per_sequence = result.state_gib_per_sequence;
  bench.copy_bandwidth_gbs = result.copy_bandwidth_gbs;
  bench.matmul_tflops = result.matmul_tflops;
  bench.weight_bytes_per_step = result.weight_bytes_per_step;
  bench.state_bytes_per_step = result.state_bytes_per_step;
  bench.roofline_tokens_per_s = result.roofline_tokens_per_s;
  bench.roofline_fraction = result.roofline_fraction;
  bench.result_json = result_json;
  return out;
}

std::string shell_command_line(const std::string& program, const std::vector<std::string>& args) {
  std::string line = program;
  for (const std::string& arg : args) {
    constexpr std::string_view kSafePunctuation = "-_./:=,+@%";
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [&](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || kSafePunctuation.find(c) != std::string_view::npos;
    });
    line += ' ';
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

std::string utc_timestamp_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

}  // namespace rbench::cli
