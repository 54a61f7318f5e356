// Flat hash tables and the lowest-priority merge loop of BpeModel. Pieces are usually short (a word, a number, a
// run of punctuation), where a linear scan for the best pair over a small array beats a heap; long pieces
// (whitespace runs, long digit-free words) switch to a heap over a linked list so they stay O(n log n).
#include "runtime/tokenizer/bpe_model.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <queue>
#include <stdexcept>

namespace rbench::runtime::tokenizer {
namespace {

uint64_t hash_bytes(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * kMul;
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    h = (std::rotl(h, 23) ^ chunk) * kMul;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, p, n);
    h = (std::rotl(h, 23) ^ chunk) * kMul;
  }
  return h ^ (h >> 29);
}

uint64_t hash_pair(uint64_t key) {
  key *= 0xBF58476D1CE4E5B9ull;
  return key ^ (key >> 31);
}

constexpr std::size_t kLongPiece = 256;  // bytes; above it the heap merge wins

uint64_t table_size_for(std::size_t n) { return std::bit_ceil(std::max<std::size_t>(16, n * 2)); }

}  // namespace

BpeModel::BpeModel(std::vector<std::string> token_bytes) {
  std::size_t total = 0;
  for (const auto& t : token_bytes) total += t.size();
  arena_.reserve(total);
  offsets_.reserve(token_bytes.size() + 1);
  for (const auto& t : token_bytes) {
    offsets_.push_back(static_cast<uint32_t>(arena_.size()));
    arena_ += t;
  }
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));

  id_slots_.assign(table_size_for(token_bytes.size()), 0);
  id_mask_ = id_slots_.size() - 1;
  std::fill(std::begin(byte_ids_), std::end(byte_ids_), -1);
  for (std::size_t id = 0; id < token_bytes.size(); ++id) {
    const std::string& t = token_bytes[id];
    if (t.empty()) continue;
    if (t.size() == 1) byte_ids_[static_cast<unsigned char>(t[0])] = static_cast<int32_t>(id);
    const uint64_t h = hash_bytes(t);
    uint64_t slot = h & id_mask_;
    while (id_slots_[slot] != 0) {
      const auto other = static_cast<int32_t>((id_slots_[slot] & 0xFFFFFFFFull) - 1);
      if (bytes_of(other) == t) {
        throw std::invalid_argument("token ids " + std::to_string(other) + " and " + std::to_string(id) +
                                    " have the same bytes");
      }
      slot = (slot + 1) & id_mask_;
    }
    id_slots_[slot] = ((h >> 32) << 32) | (id + 1);
  }
}

BpeModel BpeModel::from_ranks(std::vector<std::string> token_bytes) {
  BpeModel model(std::move(token_bytes));
  model.whole_piece_first_ = true;
  std::size_t n_pairs = 0;
  std::vector<Merge> pairs;
  for (int32_t id = 0; id < model.id_limit(); ++id) {
    const std::string_view t = model.bytes_of(id);
    for (std::size_t k = 1; k < t.size(); ++k) {
      const auto left = model.find(t.substr(0, k));
      if (!left) continue;
      const auto right = model.find(t.substr(k));
      if (right) pairs.push_back({*left, *right, id});
    }
  }
  n_pairs = pairs.size();
  model.pair_keys_.assign(table_size_for(n_pairs), UINT64_MAX);
  model.pair_values_.assign(model.pair_keys_.size(), 0);
  model.pair_mask_ = model.pair_keys_.size() - 1;
  // The rank of the merged token is the priority: tiktoken merges the adjacent pair whose union ranks lowest.
  for (const Merge& m : pairs) model.add_pair(m.left, m.right, static_cast<uint32_t>(m.merged), m.merged);
  return model;
}

BpeModel BpeModel::from_merges(std::vector<std::string> token_bytes, const std::vector<Merge>& merges,
                               bool whole_piece_first) {
  BpeModel model(std::move(token_bytes));
  model.whole_piece_first_ = whole_piece_first;
  model.pair_keys_.assign(table_size_for(merges.size()), UINT64_MAX);
  model.pair_values_.assign(model.pair_keys_.size(), 0);
  model.pair_mask_ = model.pair_keys_.size() - 1;
  // A pair listed twice keeps its first (highest-priority) position, as Hugging Face's loader does.
  for (std::size_t i = 0; i < merges.size(); ++i) {
    int32_t ignored;
    if (model.pair_priority(merges[i].left, merges[i].right, ignored) != kNoPair) continue;
    model.add_pair(merges[i].left, merges[i].right, static_cast<uint32_t>(i), merges[i].merged);
  }
  return model;
}

void BpeModel::add_pair(int32_t left, int32_t right, uint32_t priority, int32_t merged) {
  const uint64_t key = (static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right);
  uint64_t slot = hash_pair(key) & pair_mask_;
  while (pair_keys_[slot] != UINT64_MAX && pair_keys_[slot] != key) slot = (slot + 1) & pair_mask_;
  pair_keys_[slot] = key;
  pair_values_[slot] = (static_cast<uint64_t>(priority) << 32) | static_cast<uint32_t>(merged);
}

uint32_t BpeModel::pair_priority(int32_t left, int32_t right, int32_t& merged) const {
  const uint64_t key = (static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right);
  uint64_t slot = hash_pair(key) & pair_mask_;
  while (true) {
    const uint64_t k = pair_keys_[slot];
    if (k == key) {
      merged = static_cast<int32_t>(pair_values_[slot] & 0xFFFFFFFFull);
      return static_cast<uint32_t>(pair_values_[slot] >> 32);
    }
    if (k == UINT64_MAX) return kNoPair;
    slot = (slot + 1) & pair_mask_;
  }
}

std::optional<int32_t> BpeModel::find(std::string_view bytes) const {
  const uint64_t h = hash_bytes(bytes);
  const uint64_t tag = h >> 32;
  uint64_t slot = h & id_mask_;
  while (true) {
    const uint64_t v = id_slots_[slot];
    if (v == 0) return std::nullopt;
    if ((v >> 32) == tag) {
      const auto id = static_cast<int32_t>((v & 0xFFFFFFFFull) - 1);
      if (bytes_of(id) == bytes) return id;
    }
    slot = (slot + 1) & id_mask_;
  }
}

std::string_view BpeModel::bytes_of(int32_t id) const {
  if (id < 0 || id >= id_limit()) return {};
  return std::string_view(arena_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
}

std::optional<int32_t> BpeModel::byte_token(unsigned char byte) const {
  if (byte_ids_[byte] < 0) return std::nullopt;
  return byte_ids_[byte];
}

void BpeModel::encode_piece(std::string_view piece, std::vector<int32_t>& out) const {
  if (piece.empty()) return;
  if (piece.size() == 1) {
    out.push_back(byte_ids_[static_cast<unsigned char>(piece[0])]);
    return;
  }
  if (whole_piece_first_) {
    if (const auto id = find(piece)) {
      out.push_back(*id);
      return;
    }
  }
  if (piece.size() > kLongPiece) {
    merge_parts_with_heap(piece, out);
  } else {
    merge_parts(piece, out);
  }
}

void BpeModel::merge_parts_with_heap(std::string_view piece, std::vector<int32_t>& out) const {
  // Parts form a doubly linked list over byte positions; a candidate pair is (priority, left position), so the
  // heap yields the lowest priority and, among equals, the leftmost pair: the order of the linear scan.
  struct Candidate {
    uint32_t priority;
    uint32_t left;
    int32_t left_id, right_id, merged;
    bool operator>(const Candidate& o) const { return priority != o.priority ? priority > o.priority : left > o.left; }
  };
  const auto n = static_cast<uint32_t>(piece.size());
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<int32_t> ids(n);
  std::vector<uint32_t> next(n), prev(n);
  std::vector<bool> alive(n, true);
  for (uint32_t i = 0; i < n; ++i) {
    ids[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
    next[i] = i + 1 < n ? i + 1 : kNone;
    prev[i] = i > 0 ? i - 1 : kNone;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
  auto push_pair = [&](uint32_t left) {
    if (left == kNone || next[left] == kNone) return;
    int32_t merged;
    const uint32_t priority = pair_priority(ids[left], ids[next[left]], merged);
    if (priority != kNoPair) heap.push({priority, left, ids[left], ids[next[left]], merged});
  };
  for (uint32_t i = 0; i + 1 < n; ++i) push_pair(i);
  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    const uint32_t right = next[c.left];
    // Stale when either part changed since the candidate was pushed (ids only ever grow into longer tokens).
    if (!alive[c.left] || right == kNone || ids[c.left] != c.left_id || ids[right] != c.right_id) continue;
    ids[c.left] = c.merged;
    alive[right] = false;
    next[c.left] = next[right];
    if (next[right] != kNone) prev[next[right]] = c.left;
    push_pair(prev[c.left]);
    push_pair(c.left);
  }
  for (uint32_t i = 0; i != kNone; i = next[i]) out.push_back(ids[i]);
}

void BpeModel::merge_parts(std::string_view piece, std::vector<int32_t>& out) const {
  // parts[i]: the current tokens; priority[i] / merged[i]: the pair (parts[i], parts[i + 1]).
  constexpr std::size_t kInline = 64;
  int32_t parts_inline[kInline], merged_inline[kInline];
  uint32_t priority_inline[kInline];
  std::vector<int32_t> parts_heap, merged_heap;
  std::vector<uint32_t> priority_heap;
  int32_t* parts = parts_inline;
  int32_t* merged = merged_inline;
  uint32_t* priority = priority_inline;
  std::size_t n = piece.size();
  if (n > kInline) {
    parts_heap.resize(n);
    merged_heap.resize(n);
    priority_heap.resize(n);
    parts = parts_heap.data();
    merged = merged_heap.data();
    priority = priority_heap.data();
  }
  for (std::size_t i = 0; i < n; ++i) parts[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
  for (std::size_t i = 0; i + 1 < n; ++i) priority[i] = pair_priority(parts[i], parts[i + 1], merged[i]);

  while (n > 1) {
    std::size_t best = 0;
    uint32_t best_priority = priority[0];
    for (std::size_t i = 1; i + 1 < n; ++i) {
      if (priority[i] < best_priority) {
        best_priority = priority[i];
        best = i;
      }
    }
    if (best_priority == kNoPair) break;
    parts[best] = merged[best];
    // Remove parts[best + 1] and the pair entry that started at it.
    std::memmove(parts + best + 1, parts + best + 2, (n - best - 2) * sizeof(int32_t));
    if (best + 2 < n) {
      std::memmove(priority + best + 1, priority + best + 2, (n - best - 2 - 1) * sizeof(uint32_t));
      std::memmove(merged + best + 1, merged + best + 2, (n - best - 2 - 1) * sizeof(int32_t));
    }
    --n;
    if (best > 0) priority[best - 1] = pair_priority(parts[best - 1], parts[best], merged[best - 1]);
    if (best + 1 < n) priority[best] = pair_priority(parts[best], parts[best + 1], merged[best]);
  }
  out.insert(out.end(), parts, parts + n);
}

}  // namespace rbench::runtime::tokenizer
