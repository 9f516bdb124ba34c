// The daemon's backoff and the providers' HTTP retries share one ceiling.
#include <gtest/gtest.h>

#include "core/backoff.h"

namespace ptrd {
namespace {

using std::chrono::milliseconds;

TEST(ExponentialCeilingTest, DoublesUpToTheCap) {
  EXPECT_EQ(exponentialCeiling(milliseconds(100), milliseconds(1000), 0), milliseconds(100));
  EXPECT_EQ(exponentialCeiling(milliseconds(100), milliseconds(1000), 3), milliseconds(800));
  EXPECT_EQ(exponentialCeiling(milliseconds(100), milliseconds(1000), 4), milliseconds(1000));
  EXPECT_EQ(exponentialCeiling(milliseconds(100), milliseconds(1000), 4000000000u),
            milliseconds(1000));
  EXPECT_EQ(exponentialCeiling(milliseconds(0), milliseconds(1000), 9), milliseconds(0));
  EXPECT_EQ(exponentialCeiling(milliseconds(500), milliseconds(200), 2), milliseconds(200));
}

}  // namespace
}  // namespace ptrd
