// Loading errors name the file, the tensor or field, what was expected and what was found: missing tensor,
// wrong shape, wrong dtype, NaN weights, unknown model_type, truncated safetensors header, bad config fields.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "runtime/model/safetensors.h"
#include "runtime/models/registry.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

struct OwnedTensor {
  std::string name;
  StorageDtype dtype;
  std::vector<int64_t> shape;
  std::vector<std::byte> bytes;
};

// A tiny f32 checkpoint whose model.safetensors has been passed through `edit`.
std::filesystem::path edited_checkpoint(const std::string& name, const std::function<void(std::vector<OwnedTensor>&)>& edit) {
  TinyCheckpointOptions o;
  o.write_tokenizer = false;
  auto dir = test::tiny_checkpoint("loading-" + name, o);
  const auto file = dir / "model.safetensors";
  std::vector<OwnedTensor> tensors;
  {
    auto st = SafetensorsFile::open(file);
    for (const auto& [n, v] : st->tensors()) tensors.push_back({n, v.dtype, v.shape, {v.data, v.data + v.n_bytes}});
  }
  edit(tensors);
  std::vector<TensorToWrite> out;
  for (const auto& t : tensors) out.push_back({t.name, t.dtype, t.shape, t.bytes.data(), t.bytes.size()});
  write_safetensors(file, out);
  return dir;
}

std::string load_error(const std::filesystem::path& dir) {
  try {
    load_model(dir, "cpu");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void expect_mentions(const std::string& message, std::initializer_list<std::string> parts) {
  ASSERT_FALSE(message.empty()) << "loading should have failed";
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

void edit_config(const std::filesystem::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j;
  std::ifstream(dir / "config.json") >> j;
  edit(j);
  std::ofstream(dir / "config.json") << j.dump();
}

const char* kProbe = "model.layers.3.attn.Wqkv.weight";  // [128, 64] in a sliding-attention layer

TEST(RuntimeLoading, MissingTensorNamesTensorAndShape) {
  auto dir = edited_checkpoint("missing", [](auto& ts) { std::erase_if(ts, [](auto& t) { return t.name == kProbe; }); });
  expect_mentions(load_error(dir), {dir.string(), kProbe, "missing", "[128, 64]"});
}

TEST(RuntimeLoading, WrongShapeNamesExpectedAndActual) {
  auto dir = edited_checkpoint("shape", [](auto& ts) {
    for (auto& t : ts)
      if (t.name == kProbe) t.shape = {64, 128};
  });
  expect_mentions(load_error(dir), {"model.safetensors", kProbe, "shape [64, 128]", "expected [128, 64]"});
}

TEST(RuntimeLoading, WrongDtypeNamesExpectedAndActual) {
  auto dir = edited_checkpoint("dtype", [](auto& ts) {
    for (auto& t : ts)
      if (t.name == kProbe) t.dtype = StorageDtype::i32;
  });
  expect_mentions(load_error(dir), {"model.safetensors", kProbe, "I32", "expected F32, F16 or BF16"});
}

TEST(RuntimeLoading, NanWeightsAreRejected) {
  auto dir = edited_checkpoint("nan", [](auto& ts) {
    for (auto& t : ts)
      if (t.name == kProbe) reinterpret_cast<float*>(t.bytes.data())[5] = std::numeric_limits<float>::quiet_NaN();
  });
  expect_mentions(load_error(dir), {"model.safetensors", kProbe, "1 non-finite", "expected none"});
}

TEST(RuntimeLoading, UnexpectedTensorIsRejected) {
  auto dir = edited_checkpoint("extra", [](auto& ts) {
    ts.push_back({"model.layers.0.attn.bogus", StorageDtype::f32, {1}, std::vector<std::byte>(4)});
  });
  expect_mentions(load_error(dir), {"model.layers.0.attn.bogus", "not part of the model"});
}

TEST(RuntimeLoading, TruncatedHeaderIsRejected) {
  auto dir = edited_checkpoint("truncated", [](auto&) {});
  const auto file = dir / "model.safetensors";
  std::filesystem::resize_file(file, 100);
  expect_mentions(load_error(dir), {file.string(), "truncated header"});
  std::filesystem::resize_file(file, 5);
  expect_mentions(load_error(dir), {file.string(), "shorter than the 8-byte header length"});
}

TEST(RuntimeLoading, TruncatedDataIsRejected) {
  auto dir = edited_checkpoint("truncated-data", [](auto&) {});
  const auto file = dir / "model.safetensors";
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 16);
  expect_mentions(load_error(dir), {file.string(), "outside the data section"});
}

TEST(RuntimeLoading, UnknownModelTypeNamesItAndTheKnownOnes) {
  auto dir = edited_checkpoint("model-type", [](auto&) {});
  edit_config(dir, [](auto& j) { j["model_type"] = "llama"; });
  expect_mentions(load_error(dir), {"config.json", "model_type", "llama", "phi4flash"});
}

TEST(RuntimeLoading, InconsistentConfigFieldsAreNamed) {
  auto dir = edited_checkpoint("config", [](auto&) {});
  edit_config(dir, [](auto& j) { j["num_attention_heads"] = 3; });
  expect_mentions(load_error(dir), {"num_attention_heads", "does not divide hidden_size"});
  edit_config(dir, [](auto& j) {
    j["num_attention_heads"] = 4;
    j["mamba_proj_bias"] = true;
  });
  expect_mentions(load_error(dir), {"mamba_proj_bias", "ignores"});
  edit_config(dir, [](auto& j) {
    j.erase("mamba_proj_bias");
    j["sliding_window"] = nlohmann::json::array({nullptr, 16});
  });
  expect_mentions(load_error(dir), {"sliding_window", "2 entries for 8 layers"});
  edit_config(dir, [](auto& j) {
    j["sliding_window"] = 16;
    j["num_hidden_layers"] = 6;
  });
  expect_mentions(load_error(dir), {"num_hidden_layers", "divisible by 4"});
}

TEST(RuntimeLoading, SlidingWindowListMustMatchLayerKinds) {
  auto dir = edited_checkpoint("window-list", [](auto&) {});
  edit_config(dir, [](auto& j) {
    j["sliding_window"] = nlohmann::json::array({nullptr, 16, nullptr, 16, nullptr, nullptr, nullptr, nullptr});
  });
  EXPECT_EQ(load_error(dir), "");  // HF's list form: windows on layers 1 and 3 only
  edit_config(dir, [](auto& j) {
    j["sliding_window"] = nlohmann::json::array({nullptr, 16, nullptr, 16, nullptr, 16, nullptr, nullptr});
  });
  expect_mentions(load_error(dir), {"sliding_window[5]", "full_attention", "expected null"});
  edit_config(dir, [](auto& j) {
    j["sliding_window"] = nlohmann::json::array({nullptr, 16, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr});
  });
  expect_mentions(load_error(dir), {"sliding_window[3]", "positive integer"});
}

}  // namespace
}  // namespace rbench::runtime
