// The framed protocol between the pool and a grader worker over one Unix stream socket: a frame is a list of
// byte strings, each sent as a 4-byte little-endian length and its bytes, after a 4-byte count. Binary-safe
// (NUL bytes and invalid UTF-8 in model output travel unchanged) and bounded (kMaxFrameBytes).
// A request is {grader, gold, prediction}; a reply is kStringsPerVerdict strings per Verdict (correct, extracted,
// rule, reason, detail, canonical).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "graders/verdict.h"

namespace rbench::graders::sandbox {

constexpr std::size_t kMaxFrameBytes = 64u << 20;
constexpr std::size_t kMaxFrameStrings = 64;
constexpr std::size_t kStringsPerVerdict = 6;

using Clock = std::chrono::steady_clock;

enum class IoStatus { Ok, Closed, TimedOut, Failed };

// Blocking forms for the worker (no deadline).
IoStatus write_frame(int fd, const std::vector<std::string>& strings);
IoStatus read_frame(int fd, std::vector<std::string>& strings);

// Deadline forms for the pool: fd must be non-blocking; nothing raises SIGPIPE (MSG_NOSIGNAL).
IoStatus write_frame_until(int fd, const std::vector<std::string>& strings, Clock::time_point deadline);
IoStatus read_frame_until(int fd, std::vector<std::string>& strings, Clock::time_point deadline);

std::vector<std::string> encode_request(const GradeRequest& request);
// Throws std::runtime_error when the frame does not hold exactly 3 strings.
GradeRequest decode_request(const std::vector<std::string>& strings);
std::vector<std::string> encode_verdicts(const std::vector<Verdict>& verdicts);
// Throws std::runtime_error when the frame is not a whole number of verdicts.
std::vector<Verdict> decode_verdicts(const std::vector<std::string>& strings);

}  // namespace rbench::graders::sandbox
