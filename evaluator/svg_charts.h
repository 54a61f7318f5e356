// Three small charts drawn as inline SVG text, with no scripts and no external resources, for the HTML report:
// grouped bars with interval whiskers, a scatter plot, and horizontal bars. Each series gets a colour from a
// fixed palette and a legend entry; every mark carries a <title> so a browser shows its exact value on hover.
#pragma once

#include <string>
#include <vector>

namespace rbench::evaluator {

struct BarValue {
  double value = 0;  // NaN: no bar
  double low = 0;    // whisker ends (NaN: no whisker)
  double high = 0;
};

// groups (x axis) x series (one bar per series in each group); values[s][g]. Values are fractions in [0, 1]
// shown as percentages.
std::string svg_grouped_bars(const std::string& id, const std::string& title, const std::vector<std::string>& groups,
                             const std::vector<std::string>& series, const std::vector<std::vector<BarValue>>& values);

struct ScatterPoint {
  std::string series;
  std::string label;
  double x = 0;
  double y = 0;  // a fraction, shown as a percentage
};

std::string svg_scatter(const std::string& id, const std::string& title, const std::string& x_label,
                        const std::vector<std::string>& series, const std::vector<ScatterPoint>& points);

// One horizontal bar per label with its value and unit.
std::string svg_horizontal_bars(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
                                const std::vector<double>& values, const std::string& unit);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace rbench::evaluator
