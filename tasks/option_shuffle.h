// The deterministic, portable order in which a multiple-choice problem's options are shown for one sample.
// std::shuffle and std::hash differ across standard libraries, so the order is defined here exactly:
//   seed  = FNV-1a 64 of the bytes "<problem id>#<sample index in decimal>"
//   draws = the splitmix64 sequence started from seed (state += 0x9E3779B97F4A7C15, then the usual mix)
//   order = Fisher-Yates from the last slot down: slot i swaps with slot j = uniform draw in [0, i], taken by
//           rejection (draws below 2^64 mod (i+1) are discarded) so every order is equally likely.
// Anyone can recompute a recorded prompt from (problem id, sample index) alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace rbench::tasks {

// The seed of (problem id, sample index) as defined above; runners record it with the sample.
std::uint64_t option_shuffle_seed(std::string_view problem_id, int sample_index);

// A permutation of 0..n_options-1: order[slot] is the index of the option shown in that slot.
std::vector<std::size_t> option_order(std::size_t n_options, std::uint64_t seed);

}  // namespace rbench::tasks
