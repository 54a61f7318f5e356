// The leaderboard as text for `rbench export`: Markdown (a table to paste into a README, then the protocol and
// provenance of each row), CSV (one line per model, accuracies as fractions, for spreadsheets and scripts) and
// JSON (everything, for other tools). The HTML report lives in html_report.h.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "evaluator/leaderboard.h"

namespace rbench::evaluator {

std::string leaderboard_markdown(const Leaderboard& board);
std::string leaderboard_csv(const Leaderboard& board);
nlohmann::json leaderboard_json(const Leaderboard& board);

// "12.5%" style percentage with one decimal; "-" when not finite. Shared by the renderers.
std::string percent(double fraction);
// Fixed-point number with `decimals` digits.
std::string fixed(double value, int decimals);

}  // namespace rbench::evaluator
