// Inline SVG charts for the HTML report (see svg_charts.h). Coordinates are computed here directly: the charts
// are simple enough that a plotting library would add a dependency and no clarity.
#include "evaluator/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rbench::evaluator {

namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string colour(size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

std::string pct(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100 * fraction);
  return buffer;
}

std::string open_svg(const std::string& id, double width, double height, const std::string& title) {
  return "<svg id=\"" + html_escape(id) + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) +
         "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
         "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">\n<title>" + html_escape(title) + "</title>\n" +
         "<text x=\"" + num(width / 2) + "\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" +
         html_escape(title) + "</text>\n";
}

std::string legend(const std::vector<std::string>& series, double x, double y) {
  std::string out;
  for (size_t s = 0; s < series.size(); ++s) {
    double row_y = y + 16.0 * static_cast<double>(s);
    out += "<rect class=\"legend\" x=\"" + num(x) + "\" y=\"" + num(row_y - 9) +
           "\" width=\"10\" height=\"10\" fill=\"" +
           colour(s) + "\"/><text x=\"" + num(x + 14) + "\" y=\"" + num(row_y) + "\" font-size=\"11\">" +
           html_escape(series[s]) + "</text>\n";
  }
  return out;
}

// A vertical percentage axis from 0 to 100% with grid lines every 20%.
std::string percent_axis(double left, double top, double plot_width, double plot_height) {
  std::string out;
  for (int tick = 0; tick <= 100; tick += 20) {
    double y = top + plot_height * (1.0 - tick / 100.0);
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left + plot_width) + "\" y2=\"" + num(y) +
           "\" stroke=\"#ddd\"/><text x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) +
           "\" text-anchor=\"end\" font-size=\"10\">" + std::to_string(tick) + "%</text>\n";
  }
  return out;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string svg_grouped_bars(const std::string& id, const std::string& title, const std::vector<std::string>& groups,
                             const std::vector<std::string>& series, const std::vector<std::vector<BarValue>>& values) {
  const double left = 50, top = 30, plot_height = 220, legend_width = 170;
  const double group_width = std::max(80.0, 28.0 * static_cast<double>(series.size()) + 30);
  const double plot_width = group_width * static_cast<double>(std::max<size_t>(1, groups.size()));
  const double width = left + plot_width + legend_width, height = top + plot_height + 40;
  std::string out = open_svg(id, width, height, title) + percent_axis(left, top, plot_width, plot_height);
  const double bar_width = (group_width - 30) / static_cast<double>(std::max<size_t>(1, series.size()));
  auto y_of = [&](double f) { return top + plot_height * (1.0 - std::clamp(f, 0.0, 1.0)); };
  for (size_t g = 0; g < groups.size(); ++g) {
    const double group_left = left + group_width * static_cast<double>(g) + 15;
    out += "<text x=\"" + num(group_left + (group_width - 30) / 2) + "\" y=\"" + num(top + plot_height + 16) +
           "\" text-anchor=\"middle\" font-size=\"11\">" + html_escape(groups[g]) + "</text>\n";
    for (size_t s = 0; s < series.size(); ++s) {
      const BarValue& v = values.at(s).at(g);
      if (!std::isfinite(v.value)) continue;
      const double x = group_left + bar_width * static_cast<double>(s);
      out += "<rect class=\"bar\" data-series=\"" + html_escape(series[s]) + "\" data-group=\"" +
             html_escape(groups[g]) + "\" data-value=\"" + pct(v.value) + "\" x=\"" + num(x + 1) + "\" y=\"" +
             num(y_of(v.value)) + "\" width=\"" + num(bar_width - 2) + "\" height=\"" +
             num(top + plot_height - y_of(v.value)) + "\" fill=\"" + colour(s) + "\"><title>" +
             html_escape(series[s] + " / " + groups[g] + ": " + pct(v.value) + " [" + pct(v.low) + ", " + pct(v.high) +
                         "]") +
             "</title></rect>\n";
      if (std::isfinite(v.low) && std::isfinite(v.high)) {
        const double cx = x + bar_width / 2;
        out += "<g class=\"whisker\" stroke=\"#222\"><line x1=\"" + num(cx) + "\" y1=\"" + num(y_of(v.low)) +
               "\" x2=\"" + num(cx) + "\" y2=\"" + num(y_of(v.high)) + "\"/><line x1=\"" + num(cx - 4) + "\" y1=\"" +
               num(y_of(v.low)) + "\" x2=\"" + num(cx + 4) + "\" y2=\"" + num(y_of(v.low)) + "\"/><line x1=\"" +
               num(cx - 4) + "\" y1=\"" + num(y_of(v.high)) + "\" x2=\"" + num(cx + 4) + "\" y2=\"" +
               num(y_of(v.high)) + "\"/></g>\n";
      }
    }
  }
  out += legend(series, left + plot_width + 15, top + 10);
  return out + "</svg>\n";
}

std::string svg_scatter(const std::string& id, const std::string& title, const std::string& x_label,
                        const std::vector<std::string>& series, const std::vector<ScatterPoint>& points) {
  const double left = 50, top = 30, plot_width = 420, plot_height = 220, legend_width = 170;
  const double width = left + plot_width + legend_width, height = top + plot_height + 50;
  std::string out = open_svg(id, width, height, title) + percent_axis(left, top, plot_width, plot_height);
  double x_max = 1;
  for (const auto& p : points) x_max = std::max(x_max, p.x);
  x_max *= 1.1;
  for (int i = 0; i <= 4; ++i) {
    const double value = x_max * i / 4.0, x = left + plot_width * i / 4.0;
    out += "<text x=\"" + num(x) + "\" y=\"" + num(top + plot_height + 14) +
           "\" text-anchor=\"middle\" font-size=\"10\">" +
           num(value) + "</text>\n";
  }
  out += "<text x=\"" + num(left + plot_width / 2) + "\" y=\"" + num(top + plot_height + 34) +
         "\" text-anchor=\"middle\" font-size=\"11\">" + html_escape(x_label) + "</text>\n";
  for (const auto& p : points) {
    size_t s = std::find(series.begin(), series.end(), p.series) - series.begin();
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const double cx = left + plot_width * p.x / x_max;
    const double cy = top + plot_height * (1.0 - std::clamp(p.y, 0.0, 1.0));
    out += "<circle class=\"point\" data-series=\"" + html_escape(p.series) + "\" cx=\"" + num(cx) + "\" cy=\"" +
           num(cy) + "\" r=\"5\" fill=\"" + colour(s) + "\"><title>" +
           html_escape(p.series + " / " + p.label + ": " + pct(p.y) + " at " + num(p.x)) + "</title></circle>\n";
  }
  out += legend(series, left + plot_width + 15, top + 10);
  return out + "</svg>\n";
}

std::string svg_horizontal_bars(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
                                const std::vector<double>& values, const std::string& unit) {
  const double left = 160, top = 30, plot_width = 380, row_height = 24;
  const double height = top + row_height * static_cast<double>(std::max<size_t>(1, labels.size())) + 20;
  std::string out = open_svg(id, left + plot_width + 120, height, title);
  double most = 0;
  for (double v : values)
    if (std::isfinite(v)) most = std::max(most, v);
  for (size_t i = 0; i < labels.size(); ++i) {
    const double y = top + row_height * static_cast<double>(i);
    const double v = std::isfinite(values[i]) ? values[i] : 0;
    const double w = most > 0 ? plot_width * v / most : 0;
    out += "<text x=\"" + num(left - 8) + "\" y=\"" + num(y + 15) + "\" text-anchor=\"end\" font-size=\"11\">" +
           html_escape(labels[i]) + "</text><rect class=\"bar\" data-series=\"" + html_escape(labels[i]) + "\" x=\"" +
           num(left) + "\" y=\"" + num(y + 3) + "\" width=\"" + num(std::max(1.0, w)) + "\" height=\"" +
           num(row_height - 6) + "\" fill=\"" + colour(i) + "\"><title>" +
           html_escape(labels[i] + ": " + num(v) + " " + unit) + "</title></rect><text x=\"" + num(left + w + 6) +
           "\" y=\"" + num(y + 15) + "\" font-size=\"11\">" + html_escape(num(v) + " " + unit) + "</text>\n";
  }
  return out + "</svg>\n";
}

}  // namespace rbench::evaluator
