#include "reconciler/plan/batching.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace ptrd {
namespace {

std::vector<PlannedChange> changesFor(int n) {
  std::vector<PlannedChange> out;
  for (int i = 0; i < n; ++i) {
    IpAddress ip = IpAddress::v4(0x0a000000u + uint32_t(i));
    providers::Change c;
    c.ip = ip.str();
    c.reverseName = ip.reverseName();
    c.hostname = "h.example.com.";
    out.push_back(PlannedChange{ip, c, "", c.hostname});
  }
  return out;
}

TEST(Batching, TwelveHundredBecome500_500_200InIpOrder) {
  auto changes = changesFor(1200);
  std::mt19937 rng(42);
  std::shuffle(changes.begin(), changes.end(), rng);  // input order must not matter
  auto batches = makeBatches(changes, 500);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].size(), 500u);
  EXPECT_EQ(batches[1].size(), 500u);
  EXPECT_EQ(batches[2].size(), 200u);
  EXPECT_EQ(batches[0].front().ip, "10.0.0.0");
  EXPECT_EQ(batches[0].back().ip, "10.0.1.243");  // the 500th address
  EXPECT_EQ(batches[1].front().ip, "10.0.1.244");
  EXPECT_EQ(batches[2].back().ip, "10.0.4.175");  // the 1200th
}

TEST(Batching, SortsV4BeforeV6AndNumerically) {
  auto changes = changesFor(0);
  for (const char* t : {"2001:db8::1", "10.0.0.10", "10.0.0.9"}) {
    IpAddress ip = *IpAddress::parse(t);
    providers::Change c{ip.str(), ip.reverseName(), providers::Change::Action::kSet,
                        "h.example.com."};
    changes.push_back(PlannedChange{ip, c, "", c.hostname});
  }
  auto batches = makeBatches(changes, 2);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0][0].ip, "10.0.0.9");
  EXPECT_EQ(batches[0][1].ip, "10.0.0.10");
  EXPECT_EQ(batches[1][0].ip, "2001:db8::1");
}

TEST(Batching, EmptyAndZeroSize) {
  EXPECT_TRUE(makeBatches({}, 500).empty());
  EXPECT_EQ(makeBatches(changesFor(3), 0).size(), 3u);
}

}  // namespace
}  // namespace ptrd
