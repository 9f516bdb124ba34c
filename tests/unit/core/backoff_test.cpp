#include "core/backoff.h"

#include <gtest/gtest.h>

#include "tests/unit/daemon/daemon_fakes.h"

namespace ptrd {
namespace {

using std::chrono::milliseconds;
using testing::FixedRandom;

TEST(Backoff, DoublesFromBaseToMaxWithEqualJitter) {
  FixedRandom rng(0);  // the low end: half of each step
  JitteredExponentialBackOff b(milliseconds(1000), milliseconds(8000), rng);
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.next().count());
  EXPECT_EQ(got, (std::vector<int64_t>{500, 1000, 2000, 4000, 4000, 4000}));
  b.reset();
  EXPECT_EQ(b.next().count(), 500);
}

TEST(Backoff, JitterStaysBelowTheStep) {
  FixedRandom rng(~uint64_t(0));  // the high end
  JitteredExponentialBackOff b(milliseconds(1000), milliseconds(300000), rng);
  for (int i = 0; i < 40; ++i) {
    auto d = b.next().count();
    EXPECT_GE(d, 500);
    EXPECT_LT(d, 300000);
  }
}

TEST(Backoff, NeverOverflowsAfterManyFailures) {
  FixedRandom rng(7);
  JitteredExponentialBackOff b(milliseconds(1), milliseconds(60000), rng);
  for (int i = 0; i < 200; ++i) {
    auto d = b.next().count();
    ASSERT_GE(d, 0);
    ASSERT_LT(d, 60000);
  }
}

TEST(Jitter, SpreadsTheIntervalBothWays) {
  FixedRandom low(0), high(11999);
  EXPECT_EQ(jittered(milliseconds(60000), 0.1, low).count(), 54000);
  EXPECT_EQ(jittered(milliseconds(60000), 0.1, high).count(), 65999);
  EXPECT_EQ(jittered(milliseconds(60000), 0, high).count(), 60000);
}

}  // namespace
}  // namespace ptrd
