// The leaderboard as one self-contained HTML page: inline CSS, inline SVG charts (accuracy per task with interval
// whiskers; accuracy against mean generated length; decode throughput), the leaderboard table and each model's
// protocol and provenance. No scripts, fonts, images or links to fetch: the file opens offline in any browser.
#pragma once

#include <string>

#include "evaluator/leaderboard.h"

namespace rbench::evaluator {

std::string leaderboard_html(const Leaderboard& board);

}  // namespace rbench::evaluator
