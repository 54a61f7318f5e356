// The HTML report as a browser sees it: `rbench export --format html` on a database of two fake models, opened in
// headless Chromium (Debian `chromium`, installed by scripts/setup.sh). The DOM Chromium builds must hold both
// model rows and the three SVG charts with their marks, and the screenshot must show the drawn bars (pixels of
// the chart palette) on a page that is not blank.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fake_runs.h"
#include "png_image.h"
#include "process.h"

namespace rbench::e2e {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Chromium's common flags: headless without a GPU or the setuid sandbox (tests may run as root in containers),
// a private profile so parallel runs do not share state, and a hard time limit so a hung browser fails the test.
std::vector<std::string> chromium(const std::filesystem::path& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv{"timeout", "45", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                "--disable-dev-shm-usage", "--hide-scrollbars",
                                "--user-data-dir=" + (dir / "chromium-profile").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(E2eHtmlReport, RendersInHeadlessChromium) {
  const auto dir = fresh_dir("html-report");
  const std::string db_path = (dir / "results.sqlite").string();
  {
    results::Database db(db_path);
    evaluator::testing::run_fake(db, evaluator::testing::fake_config(5, 2), "/models/first-model");
    evaluator::testing::run_fake(db, evaluator::testing::fake_config(11, 2), "/models/second-model");
  }
  const std::string report = (dir / "report.html").string();
  auto exported = run_command({rbench_bin(), "export", "--db", db_path, "--format", "html", "--out", report});
  ASSERT_EQ(exported.exit_code, 0);
  const std::string url = "file://" + report;

  auto dom = run_command(chromium(dir, {"--dump-dom", url}));
  ASSERT_EQ(dom.exit_code, 0) << "chromium --dump-dom failed";
  EXPECT_EQ(count(dom.output, "class=\"model-row\""), 2u) << dom.output.substr(0, 2000);
  EXPECT_NE(dom.output.find("data-model=\"first-model\""), std::string::npos);
  EXPECT_NE(dom.output.find("data-model=\"second-model\""), std::string::npos);
  for (const char* id : {"chart-accuracy", "chart-length", "chart-throughput"})
    EXPECT_EQ(count(dom.output, std::string("<svg id=\"") + id + "\""), 1u) << id;
  EXPECT_EQ(count(dom.output, "<g class=\"whisker\""), 4u);
  EXPECT_EQ(count(dom.output, "<circle class=\"point\""), 4u);

  const std::string png = (dir / "report.png").string();
  auto shot = run_command(chromium(dir, {"--screenshot=" + png, "--window-size=1000,1400", url}));
  ASSERT_EQ(shot.exit_code, 0) << "chromium --screenshot failed";
  RgbImage image = read_png(png);
  EXPECT_EQ(image.width, 1000u);
  EXPECT_EQ(image.height, 1400u);
  std::set<uint32_t> colours;
  size_t non_white = 0, first_series = 0;
  for (const auto& p : image.pixels) {
    colours.insert((uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]);
    non_white += p[0] < 250 || p[1] < 250 || p[2] < 250;
    first_series += p[0] == 0x4e && p[1] == 0x79 && p[2] == 0xa7;  // the palette's first colour: model 1's bars
  }
  EXPECT_GT(colours.size(), 20u);
  EXPECT_GT(non_white, image.pixels.size() / 100);
  EXPECT_GT(first_series, 200u);
}

}  // namespace
}  // namespace rbench::e2e
