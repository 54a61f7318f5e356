// Chunked prefill on top of Model::forward; see model.h.
#include "runtime/model/model.h"

#include <stdexcept>

namespace rbench::runtime {

Placement parse_placement(const std::string& device) {
  const auto slash = device.find('/');
  const std::string where = device.substr(0, slash);
  Placement p{at::kCPU, at::kFloat};
  try {
    p.device = at::Device(where);
  } catch (const std::exception&) {
    throw std::runtime_error("device '" + device + "': expected cpu or cuda[:n], optionally with /f32 or /bf16");
  }
  if (!p.device.is_cpu() && !p.device.is_cuda())
    throw std::runtime_error("device '" + device + "': only cpu and cuda are supported");
  p.compute = p.device.is_cpu() ? at::kFloat : at::kBFloat16;
  if (slash != std::string::npos) {
    const std::string dtype = device.substr(slash + 1);
    if (dtype == "f32") p.compute = at::kFloat;
    else if (dtype == "bf16") p.compute = at::kBFloat16;
    else throw std::runtime_error("device '" + device + "': dtype suffix must be /f32 or /bf16");
  }
  return p;
}

at::Tensor prefill_chunked(Model& model, SequenceState& state, const std::vector<int32_t>& ids, int64_t chunk,
                           LogitsWanted wanted) {
  if (ids.empty()) throw std::runtime_error("prefill: empty token sequence");
  const int64_t n = static_cast<int64_t>(ids.size());
  for (int32_t id : ids)
    if (id < 0 || id >= model.vocab_size())
      throw std::runtime_error("prefill: token id " + std::to_string(id) + " outside the vocabulary [0, " +
                               std::to_string(model.vocab_size()) + ")");
  at::Tensor all = at::tensor(std::vector<int64_t>(ids.begin(), ids.end()), at::kLong).to(model.device());
  if (chunk <= 0) chunk = n;
  std::vector<at::Tensor> pieces;
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t len = std::min(chunk, n - start);
    const bool last_chunk = start + len == n;
    LogitsWanted here = wanted == LogitsWanted::all ? LogitsWanted::all : (last_chunk ? wanted : LogitsWanted::none);
    at::Tensor logits = model.forward(state, all.narrow(0, start, len), here);
    if (logits.defined()) pieces.push_back(logits);
  }
  if (pieces.empty()) return {};
  return pieces.size() == 1 ? pieces[0] : at::cat(pieces, 0);
}

}  // namespace rbench::runtime

namespace rbench::runtime {

at::Tensor Model::decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                              const at::Tensor& positions) {
  const at::Tensor host_ids = ids.to(at::kCPU, at::kLong), host_slots = slots.to(at::kCPU, at::kLong);
  const at::Tensor host_positions = positions.to(at::kCPU, at::kLong);
  std::vector<at::Tensor> rows;
  for (int64_t b = 0; b < host_ids.size(0); ++b) {
    SequenceState state = pool.view(host_slots[b].item<int64_t>(), host_positions[b].item<int64_t>());
    rows.push_back(forward(state, host_ids.narrow(0, b, 1), LogitsWanted::last));
  }
  return at::cat(rows, 0);
}

}  // namespace rbench::runtime
