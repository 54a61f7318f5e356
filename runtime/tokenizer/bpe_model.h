// The byte-pair-encoding model: a vocabulary of byte strings with ids, and a table of mergeable adjacent pairs
// with their priorities. Encoding one pre-token piece starts from its single bytes and repeatedly merges the
// adjacent pair of lowest priority (leftmost on ties) until no listed pair is left. Two sources fill it:
//  - tiktoken ranks: every split of a token into two tokens is a pair whose priority is the merged token's
//    rank, and a piece that is itself a token is taken whole first (tiktoken's rule);
//  - Hugging Face merges: the listed pairs with their list position as priority (whole-piece lookup first only
//    when the file sets ignore_merges).
// Lookups use flat open-addressing tables: byte string -> id, and (left id, right id) -> (priority, merged id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbench::runtime::tokenizer {

class BpeModel {
 public:
  struct Merge {
    int32_t left;
    int32_t right;
    int32_t merged;
  };

  // token_bytes[id] is the token's byte string; an empty string marks an id without a token.
  // Every single byte must be a token (byte-level vocabularies have all 256); the caller checks and names the file.
  static BpeModel from_ranks(std::vector<std::string> token_bytes);
  // merges in priority order (first = highest priority).
  static BpeModel from_merges(std::vector<std::string> token_bytes, const std::vector<Merge>& merges,
                              bool whole_piece_first);

  // Appends the ids of one pre-token piece.
  void encode_piece(std::string_view piece, std::vector<int32_t>& out) const;

  std::optional<int32_t> find(std::string_view bytes) const;
  // The bytes of a token; empty when the id has no token.
  std::string_view bytes_of(int32_t id) const;
  int32_t id_limit() const { return static_cast<int32_t>(offsets_.size()) - 1; }  // one past the highest id
  std::optional<int32_t> byte_token(unsigned char byte) const;

 private:
  static constexpr uint32_t kNoPair = UINT32_MAX;

  explicit BpeModel(std::vector<std::string> token_bytes);
  void add_pair(int32_t left, int32_t right, uint32_t priority, int32_t merged);
  // Priority of the pair (kNoPair when not mergeable); writes the merged id.
  uint32_t pair_priority(int32_t left, int32_t right, int32_t& merged) const;
  void merge_parts(std::string_view piece, std::vector<int32_t>& out) const;
  // Same result as merge_parts, in O(n log n): for long pieces such as whitespace runs.
  void merge_parts_with_heap(std::string_view piece, std::vector<int32_t>& out) const;

  std::string arena_;                 // all token bytes, back to back
  std::vector<uint32_t> offsets_;     // token id -> start in arena_; offsets_[id + 1] is its end
  std::vector<uint64_t> id_slots_;    // (hash high 32 bits << 32) | (id + 1); 0 = empty
  uint64_t id_mask_ = 0;
  std::vector<uint64_t> pair_keys_;   // (left << 32) | right; UINT64_MAX = empty
  std::vector<uint64_t> pair_values_; // (priority << 32) | merged id
  uint64_t pair_mask_ = 0;
  int32_t byte_ids_[256];
  bool whole_piece_first_ = false;
};

}  // namespace rbench::runtime::tokenizer
