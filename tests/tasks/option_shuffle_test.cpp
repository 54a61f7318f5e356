// The option shuffle is a fixed, documented algorithm: golden values computed by an independent Python
// implementation of option_shuffle.h's description pin it across compilers and standard libraries.
#include "tasks/option_shuffle.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

namespace rbench::tasks {
namespace {

using Order = std::vector<std::size_t>;

TEST(TasksOptionShuffle, MatchesTheDocumentedAlgorithm) {
  EXPECT_EQ(option_shuffle_seed("recZSGUkn56v9kEp1", 0), 0x61a1162f74f6be3dULL);
  EXPECT_EQ(option_shuffle_seed("recZSGUkn56v9kEp1", 1), 0x61a1152f74f6bc8aULL);
  EXPECT_EQ(option_shuffle_seed("", 0), 0x7c8fe07b4919c66ULL);
  EXPECT_EQ(option_order(4, option_shuffle_seed("recZSGUkn56v9kEp1", 0)), (Order{1, 0, 3, 2}));
  EXPECT_EQ(option_order(4, option_shuffle_seed("recZSGUkn56v9kEp1", 1)), (Order{3, 2, 0, 1}));
  EXPECT_EQ(option_order(4, option_shuffle_seed("rec0", 7)), (Order{2, 0, 1, 3}));
  EXPECT_EQ(option_order(4, option_shuffle_seed("smoke-01", 63)), (Order{3, 2, 0, 1}));
  EXPECT_EQ(option_order(10, option_shuffle_seed("rec0", 7)), (Order{2, 6, 7, 9, 8, 0, 3, 4, 1, 5}));
}

TEST(TasksOptionShuffle, EveryOrderOfFourIsAboutEquallyLikely) {
  std::map<Order, int> counts;
  const int n_draws = 24000;
  for (int sample = 0; sample < n_draws; ++sample) {
    Order order = option_order(4, option_shuffle_seed("problem", sample));
    Order sorted = order;
    std::sort(sorted.begin(), sorted.end());
    ASSERT_EQ(sorted, (Order{0, 1, 2, 3}));
    ++counts[order];
  }
  ASSERT_EQ(counts.size(), 24u);
  for (const auto& [order, count] : counts) {
    EXPECT_NEAR(count, 1000, 150);  // 1000 expected, standard deviation about 31
  }
}

TEST(TasksOptionShuffle, SingleOptionAndEmpty) {
  EXPECT_EQ(option_order(1, 42), (Order{0}));
  EXPECT_TRUE(option_order(0, 42).empty());
}

}  // namespace
}  // namespace rbench::tasks
