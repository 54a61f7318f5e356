// Parsing and validation of a Phi3 config.json into Phi3Config; see phi3_config.h. Defaults are those of
// transformers' Phi3Config, so a file that omits a field means what it means to the reference.
#include "runtime/models/phi3_config.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace rbench::runtime {

namespace {

using nlohmann::json;

class Fields {
 public:
  Fields(const std::filesystem::path& path, const json& j, std::string prefix = "")
      : path_(path), j_(j), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw std::runtime_error("config " + path_.string() + ": field '" + prefix_ + field + "': " + what);
  }
  bool has(const std::string& field) const { return j_.contains(field) && !j_[field].is_null(); }
  const json& raw(const std::string& field) const { return j_[field]; }

  int64_t positive_int(const std::string& field) const {
    if (!has(field)) fail(field, "missing");
    return positive_int_value(field, j_[field]);
  }
  int64_t positive_int_or(const std::string& field, int64_t fallback) const {
    return has(field) ? positive_int_value(field, j_[field]) : fallback;
  }
  double positive_number_or(const std::string& field, double fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_number() || j_[field].get<double>() <= 0)
      fail(field, "expected a positive number, got " + j_[field].dump());
    return j_[field].get<double>();
  }
  bool bool_or(const std::string& field, bool fallback) const {
    if (!has(field)) return fallback;
    if (!j_[field].is_boolean()) fail(field, "expected true or false, got " + j_[field].dump());
    return j_[field].get<bool>();
  }
  std::vector<double> factors(const std::string& field, std::size_t expected) const {
    if (!has(field) || !j_[field].is_array()) fail(field, "missing or not a list of numbers");
    std::vector<double> out;
    for (const auto& v : j_[field]) {
      if (!v.is_number() || v.get<double>() <= 0) fail(field, "expected positive numbers, got " + v.dump());
      out.push_back(v.get<double>());
    }
    if (out.size() != expected)
      fail(field, "has " + std::to_string(out.size()) + " values, expected rotary_dim / 2 = " + std::to_string(expected));
    return out;
  }

 private:
  int64_t positive_int_value(const std::string& field, const json& v) const {
    if (!v.is_number_integer() || v.get<int64_t>() <= 0) fail(field, "expected a positive integer, got " + v.dump());
    return v.get<int64_t>();
  }
  const std::filesystem::path& path_;
  const json& j_;
  std::string prefix_;
};

// rope_scaling (released files) or rope_parameters (transformers 5); keys inside may also sit at the top level.
Phi3RopeConfig parse_rope(const std::filesystem::path& path, const Fields& top, const Phi3Config& c) {
  const char* key = top.has("rope_parameters") ? "rope_parameters" : "rope_scaling";
  const json rope_json = top.has(key) ? top.raw(key) : json::object();
  if (!rope_json.is_object()) top.fail(key, "expected an object or null, got " + rope_json.dump());
  const Fields rope(path, rope_json, std::string(key) + ".");
  auto number = [&](const std::string& field, double fallback) {
    return rope.has(field) ? rope.positive_number_or(field, fallback) : top.positive_number_or(field, fallback);
  };
  Phi3RopeConfig r;
  r.theta = number("rope_theta", 10000.0);
  const double fraction = number("partial_rotary_factor", 1.0);
  if (fraction > 1.0) top.fail("partial_rotary_factor", "must be at most 1, got " + std::to_string(fraction));
  r.rotary_dim = static_cast<int64_t>(static_cast<double>(c.head_dim) * fraction);
  if (r.rotary_dim <= 0 || r.rotary_dim % 2 != 0)
    top.fail("partial_rotary_factor", "gives rotary_dim " + std::to_string(r.rotary_dim) + " of head_dim " +
                                          std::to_string(c.head_dim) + "; it must be positive and even");
  r.original_max_positions = rope.positive_int_or("original_max_position_embeddings",
                                                  top.positive_int_or("original_max_position_embeddings", 4096));
  std::string type = "default";
  for (const char* name : {"rope_type", "type"})
    if (rope.has(name) && rope.raw(name).is_string()) type = rope.raw(name).get<std::string>();
  if (type == "su" || type == "yarn") type = "longrope";  // the names transformers maps to longrope for Phi3
  if (type == "default") return r;
  if (type != "longrope") rope.fail("rope_type", "'" + type + "' is not supported (default or longrope)");
  r.longrope = true;
  const auto n = static_cast<std::size_t>(r.rotary_dim / 2);
  r.short_factor = rope.factors("short_factor", n);
  r.long_factor = rope.factors("long_factor", n);
  // The magnitude scale, as transformers derives it when the file does not give one (spec 6.4).
  const double factor = rope.positive_number_or(
      "factor", static_cast<double>(c.max_positions) / static_cast<double>(r.original_max_positions));
  const double fallback = factor <= 1.0 ? 1.0
                                        : std::sqrt(1.0 + std::log(factor) /
                                                              std::log(static_cast<double>(r.original_max_positions)));
  r.attention_scaling = rope.positive_number_or("attention_factor", fallback);
  return r;
}

std::vector<int32_t> read_ids(const json& value) {
  std::vector<int32_t> ids;
  if (value.is_number_integer()) ids.push_back(value.get<int32_t>());
  else if (value.is_array())
    for (const auto& v : value)
      if (v.is_number_integer()) ids.push_back(v.get<int32_t>());
  return ids;
}

}  // namespace

Phi3Config parse_phi3_config(const std::filesystem::path& config_json) {
  std::ifstream in(config_json);
  if (!in) throw std::runtime_error("config " + config_json.string() + ": cannot open");
  json j;
  try {
    j = json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("config " + config_json.string() + ": not valid JSON: " + e.what());
  }
  const Fields f(config_json, j);
  Phi3Config c;
  c.hidden = f.positive_int("hidden_size");
  c.intermediate = f.positive_int("intermediate_size");
  c.n_layers = f.positive_int("num_hidden_layers");
  c.n_heads = f.positive_int("num_attention_heads");
  c.n_kv_heads = f.positive_int_or("num_key_value_heads", c.n_heads);
  c.vocab = f.positive_int("vocab_size");
  c.norm_eps = f.positive_number_or("rms_norm_eps", 1e-5);
  c.tie_embeddings = f.bool_or("tie_word_embeddings", false);
  c.max_positions = f.positive_int_or("max_position_embeddings", 4096);
  if (c.n_heads % c.n_kv_heads != 0)
    f.fail("num_key_value_heads", std::to_string(c.n_kv_heads) + " does not divide num_attention_heads " +
                                      std::to_string(c.n_heads));
  if (!f.has("head_dim") && c.hidden % c.n_heads != 0)
    f.fail("hidden_size", std::to_string(c.hidden) + " is not a multiple of num_attention_heads " +
                              std::to_string(c.n_heads));
  c.head_dim = f.positive_int_or("head_dim", c.hidden / c.n_heads);
  if (f.has("hidden_act") && f.raw("hidden_act") != "silu")
    f.fail("hidden_act", "only silu is supported, got " + f.raw("hidden_act").dump());
  if (f.bool_or("attention_bias", false)) f.fail("attention_bias", "biases are not supported (Phi3 has none)");
  if (f.has("sliding_window")) {
    const int64_t window = f.positive_int_or("sliding_window", 0);
    if (window < c.max_positions)
      f.fail("sliding_window", std::to_string(window) + " is shorter than max_position_embeddings " +
                                   std::to_string(c.max_positions) + "; windowed Phi3 attention is not supported");
  }
  c.rope = parse_rope(config_json, f, c);
  if (f.has("eos_token_id")) c.eos_ids = read_ids(f.raw("eos_token_id"));
  return c;
}

}  // namespace rbench::runtime
