// The readers of each benchmark's canonical file and the built-in smoke task. Each reader checks every
// record (required fields present and non-blank, ids unique) and records the sha256 of the bytes it parsed.
// The version constants change whenever prompt text (prompts.h) or parsing changes, so results produced
// under different prompts are never mixed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/task.h"

namespace rbench::tasks {

inline constexpr std::string_view kMath500Version = "1";
inline constexpr std::string_view kAimeVersion = "1";
inline constexpr std::string_view kGpqaDiamondVersion = "1";
inline constexpr std::string_view kSmokeVersion = "1";

// The password of GPQA's dataset.zip, stated publicly in the idavidrein/gpqa README; it only keeps the
// examples away from crawlers.
inline constexpr std::string_view kGpqaZipPassword = "deserted-untie-orchid";
inline constexpr std::string_view kGpqaDiamondMember = "gpqa_diamond.csv";

// MATH-500 (prm800k test.jsonl): problem, answer, unique_id (the problem id), subject, level.
Task read_math500(const std::filesystem::path& path);

// AIME (JSON lines with id, problem, answer); `name` is "aime24" or "aime25". Answers must be integers
// 0-999 and are stored without leading zeros ("025" becomes "25").
Task read_aime(const std::string& name, const std::filesystem::path& path);

// GPQA Diamond from the original encrypted dataset.zip (member found by name), or from an extracted CSV.
Task read_gpqa_diamond_zip(const std::filesystem::path& zip_path,
                           const std::string& password = std::string(kGpqaZipPassword));
Task read_gpqa_diamond_csv(const std::filesystem::path& csv_path);

// The GPQA CSV columns the harness needs, turned into problems: `source` names the text in errors.
std::vector<Problem> parse_gpqa_diamond_csv(std::string_view text, const std::string& source);

// Short original problems (arithmetic, fractions, small algebra) with exact answers, compiled in, so the
// harness runs without downloaded data. Its hash is that of its problems serialised as JSON.
Task smoke_task();

}  // namespace rbench::tasks
