// The safety cap, alone and inside a plan.
#include "reconciler/plan/safety_cap.h"

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"

namespace ptrd {
namespace {

TEST(SafetyCap, ShareBoundaryIsExact) {
  SafetyLimits limits{20, 1000};
  EXPECT_FALSE(checkSafetyCap(1, 5, limits).exceeded);  // exactly 20%
  auto v = checkSafetyCap(2, 5, limits);
  EXPECT_TRUE(v.exceeded);
  EXPECT_EQ(v.message,
            "the plan changes 2 of 5 managed IPs (40.0%), more than maxChangePercent 20%");
  EXPECT_FALSE(checkSafetyCap(0, 0, limits).exceeded);
}

TEST(SafetyCap, AbsoluteLimitAppliesEvenBelowTheShare) {
  SafetyLimits limits{100, 10};
  EXPECT_FALSE(checkSafetyCap(10, 10, limits).exceeded);
  auto v = checkSafetyCap(11, 1000, limits);
  EXPECT_TRUE(v.exceeded);
  EXPECT_EQ(v.message, "the plan changes 11 IPs, more than maxChanges 10");
}

testing::PlanFixture fleetWithChanges(int declared, int differing) {
  testing::PlanFixture f;
  for (int i = 0; i < declared; ++i) {
    std::string ip = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    f.declare(ip, "h.example.com.");
    f.own(ip, i < differing ? "" : "h.example.com.");
  }
  std::vector<std::string> all;
  for (int i = 0; i < differing; ++i)
    all.push_back("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  f.answerA("h.example.com.", all);
  return f;
}

TEST(SafetyCap, PlanOverTheShareChangesNothingAndSaysWhy) {
  auto f = fleetWithChanges(10, 3);
  f.options.limits = SafetyLimits{20, 1000};
  Plan p = f.plan();
  EXPECT_EQ(p.managed, 10u);
  EXPECT_EQ(p.changes.size(), 3u) << "the plan still shows what it would do";
  EXPECT_TRUE(p.capExceeded);
  EXPECT_FALSE(p.changesAllowed());
  EXPECT_NE(p.capMessage.find("3 of 10 managed IPs (30.0%)"), std::string::npos) << p.capMessage;
  EXPECT_NE(p.capMessage.find("--allow-large-change"), std::string::npos);
}

TEST(SafetyCap, APersonMayOverrideExplicitly) {
  auto f = fleetWithChanges(10, 3);
  f.options.limits = SafetyLimits{20, 1000};
  f.options.allowLargeChange = true;
  Plan p = f.plan();
  EXPECT_TRUE(p.capExceeded);
  EXPECT_TRUE(p.capOverridden);
  EXPECT_TRUE(p.changesAllowed());
  ASSERT_FALSE(p.warnings.empty());
}

TEST(SafetyCap, WithinLimitsNothingIsFlagged) {
  auto f = fleetWithChanges(10, 2);
  f.options.limits = SafetyLimits{20, 1000};
  Plan p = f.plan();
  EXPECT_FALSE(p.capExceeded);
  EXPECT_TRUE(p.changesAllowed());
}

TEST(SafetyCap, AbsoluteMaxChangesInAPlan) {
  auto f = fleetWithChanges(300, 101);
  f.options.limits = SafetyLimits{100, 100};
  Plan p = f.plan();
  EXPECT_TRUE(p.capExceeded);
  EXPECT_NE(p.capMessage.find("more than maxChanges 100"), std::string::npos);
}

}  // namespace
}  // namespace ptrd
