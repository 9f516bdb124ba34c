// One reconcile pass against fakes: observe, plan, apply in batches, verify.
#include "reconciler/apply/reconcile.h"

#include <gtest/gtest.h>

#include "tests/unit/apply/reconcile_fakes.h"

namespace ptrd {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeProvider;
using testing::FakeResolver;
using V = IpAddress::Family;

IpAddress ip(const std::string& t) {
  return *IpAddress::parse(t);
}

struct Pass {
  FakeResolver dns;
  FakeProvider provider{&dns};
  FakeClock clock;
  DesiredState desired;
  PlanOptions options;
  VerifyOptions verify{10s, 500ms, 4s};

  Pass() {
    desired.sources.push_back(SourceSummary{"m.yaml", "m"});
    options.limits.maxChangePercent = 100;
  }
  void declare(const std::string& a, const std::string& host, bool withForward = true) {
    DesiredRecord r;
    r.ip = ip(a);
    r.hostname = host;
    r.line = uint32_t(desired.records.size() + 1);
    desired.records.push_back(r);
    std::sort(desired.records.begin(), desired.records.end(),
              [](const DesiredRecord& x, const DesiredRecord& y) { return x.ip < y.ip; });
    if (withForward) dns.forward[ForwardQuestion{host, r.ip.family()}].push_back(r.ip);
  }
  Plan plan() {
    auto p = observeAndPlan(desired, provider, dns, options);
    EXPECT_TRUE(p.ok());
    return *p;
  }
  ApplyReport apply() { return applyPlan(plan(), provider, dns, clock, verify); }
};

TEST(Reconcile, ObserveAsksEachForwardQuestionOnce) {
  Pass p;
  for (int i = 1; i <= 5; ++i) {
    std::string a = "203.0.113." + std::to_string(i);
    p.provider.own(a, "", "d.example.net.");
    p.declare(a, "mail.example.com.");
  }
  Plan plan = p.plan();
  ASSERT_EQ(p.dns.forwardCalls.size(), 1u);
  EXPECT_EQ(p.dns.forwardCalls[0], (std::vector<ForwardQuestion>{{"mail.example.com.", V::kV4}}));
  EXPECT_EQ(plan.summary[RecordState::kSet], 5u);
}

TEST(Reconcile, UnreadableInventoryIsAnErrorNeverAnEmptyAccount) {
  Pass p;
  p.provider.inventoryFails = true;
  auto r = observeAndPlan(p.desired, p.provider, p.dns, p.options);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_NE(r.error().message.find("HTTP 503"), std::string::npos);
}

TEST(Reconcile, AppliesVerifiesAndConvergesThenIsIdempotent) {
  Pass p;
  p.provider.own("203.0.113.10", "", "d10.example.net.");
  p.provider.own("203.0.113.11", "x.example.org.", "d11.example.net.");
  p.declare("203.0.113.10", "mail.example.com.");
  p.options.policy = Policy::kSync;  // 203.0.113.11 is undeclared with a custom PTR
  ApplyReport r = p.apply();
  EXPECT_TRUE(r.converged()) << r.summaryLine();
  EXPECT_EQ(r.applied, 2u);
  EXPECT_EQ(r.verified, 2u);
  EXPECT_TRUE(p.clock.sleeps.empty()) << "DNS showed it at once: no waiting";
  EXPECT_EQ(r.summaryLine(),
            "applied 2 (2 verified in DNS, 0 propagating), invalid 0, not yours 0, failed 0, "
            "blocked by forward DNS 0");
  EXPECT_EQ(p.provider.account["203.0.113.11"].ptr, "d11.example.net.");

  Plan again = p.plan();
  EXPECT_TRUE(again.changes.empty());
  EXPECT_TRUE(again.converged());
}

TEST(Reconcile, InSyncIpsThePlanOnlyCountedStayInTheAppliedSummary) {
  Pass p;
  p.options.inSyncEntries = false;  // as the daemon plans
  for (int i = 1; i <= 3; ++i) {
    std::string a = "203.0.113." + std::to_string(i);
    p.provider.own(a, "h" + std::to_string(i) + ".example.com.", "d.example.net.");
    p.declare(a, "h" + std::to_string(i) + ".example.com.");
  }
  p.provider.own("203.0.113.10", "", "d10.example.net.");
  p.declare("203.0.113.10", "mail.example.com.");
  ObserveTimings t;
  t.listing = -1;
  auto plan = observeAndPlan(p.desired, p.provider, p.dns, p.options, &t);
  ASSERT_TRUE(plan.ok());
  EXPECT_GE(t.listing, 0);
  EXPECT_EQ(plan->entries.size(), 1u);
  ApplyReport r = applyPlan(*plan, p.provider, p.dns, p.clock, p.verify);
  EXPECT_EQ(r.verified, 1u);
  EXPECT_EQ(r.plan.summary[RecordState::kInSync], 4u) << "3 counted + 1 verified";
  EXPECT_TRUE(r.converged());
}

TEST(Reconcile, WaitsWithBackoffUntilDnsShowsTheChange) {
  Pass p;
  p.provider.own("203.0.113.10", "", "");
  p.declare("203.0.113.10", "mail.example.com.");
  p.dns.ptrLookupsBeforeVisible = 3;
  ApplyReport r = p.apply();
  EXPECT_TRUE(r.converged()) << r.summaryLine();
  EXPECT_EQ(p.clock.sleeps, (std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms}));
}

TEST(Reconcile, NotShownByTheDeadlineIsPropagating) {
  Pass p;
  p.provider.own("203.0.113.10", "", "");
  p.declare("203.0.113.10", "mail.example.com.");
  p.dns.ptrLookupsBeforeVisible = 1000;
  ApplyReport r = p.apply();
  EXPECT_FALSE(r.converged());
  EXPECT_EQ(r.propagating, 1u);
  EXPECT_EQ(r.plan.summary[RecordState::kPropagating], 1u);
  EXPECT_NE(r.plan.entries[0].reason.find("stale.example.net."), std::string::npos)
      << r.plan.entries[0].reason;
  // 500 + 1000 + 2000 + 4000 + 2500 (capped by the deadline): the last look is at 10 s.
  EXPECT_EQ(p.clock.sleeps,
            (std::vector<std::chrono::milliseconds>{500ms, 1000ms, 2000ms, 4000ms, 2500ms}));
}

TEST(Reconcile, BlockedNamesAreNotSentAndReported) {
  Pass p;
  p.provider.own("203.0.113.10", "", "");
  p.provider.own("203.0.113.20", "", "");
  p.declare("203.0.113.10", "mail.example.com.");
  p.declare("203.0.113.20", "new.example.com.", /*withForward=*/false);
  ApplyReport r = p.apply();
  EXPECT_FALSE(r.converged());
  EXPECT_EQ(p.provider.batchSizes, (std::vector<size_t>{1}));
  EXPECT_EQ(r.plan.summary[RecordState::kBlockedForward], 1u);
  EXPECT_NE(r.summaryLine().find("blocked by forward DNS 1"), std::string::npos);

  // The forward record is added; the next pass sets the PTR.
  p.dns.forward[ForwardQuestion{"new.example.com.", V::kV4}] = {ip("203.0.113.20")};
  EXPECT_TRUE(p.apply().converged());
  EXPECT_EQ(p.provider.account["203.0.113.20"].ptr, "new.example.com.");
}

TEST(Reconcile, LookupErrorsAreNotSent) {
  Pass p;
  p.provider.own("203.0.113.10", "old.example.com.", "");
  p.declare("203.0.113.10", "slow.example.com.");
  p.dns.forwardTimeouts.insert("slow.example.com.");
  ApplyReport r = p.apply();
  EXPECT_TRUE(p.provider.batchSizes.empty());
  EXPECT_EQ(r.plan.summary[RecordState::kLookupError], 1u);
  EXPECT_EQ(p.provider.account["203.0.113.10"].ptr, "old.example.com.");
}

TEST(Reconcile, ProviderVerdictsPerChange) {
  Pass p;
  for (const char* a : {"203.0.113.1", "203.0.113.2", "203.0.113.3"}) {
    p.provider.own(a, "", "");
    p.declare(a, "mail.example.com.");
  }
  p.provider.refuseAsInvalid.insert("203.0.113.2");
  Plan plan = p.plan();
  p.provider.account.erase("203.0.113.3");  // moved off the account between plan and apply
  ApplyReport r = applyPlan(plan, p.provider, p.dns, p.clock, p.verify);
  EXPECT_EQ(r.applied, 1u);
  EXPECT_EQ(r.invalid, 1u);
  EXPECT_EQ(r.notYours, 1u);
  ASSERT_EQ(r.outcomes.size(), 3u);
  EXPECT_EQ(r.outcomes[1].status, ChangeOutcome::Status::kInvalid);
  EXPECT_EQ(r.plan.entries[1].state, RecordState::kInvalid);
  EXPECT_EQ(r.plan.entries[1].reason, "the provider refused it: hostname refused");
  EXPECT_EQ(r.plan.entries[2].state, RecordState::kNotOwned);
  EXPECT_FALSE(r.converged());
}

// A platform that checks forward DNS itself and refuses: blocked_forward with the
// platform's words (retried next pass), never failed or invalid.
TEST(Reconcile, PlatformForwardRefusalIsBlockedForwardNotFailed) {
  Pass p;
  p.provider.own("203.0.113.1", "", "");
  p.declare("203.0.113.1", "mail.example.com.");
  p.provider.refuseForward.insert("203.0.113.1");
  ApplyReport r = p.apply();
  EXPECT_EQ(r.failed, 0u);
  EXPECT_EQ(r.invalid, 0u);
  ASSERT_EQ(r.outcomes.size(), 1u);
  EXPECT_EQ(r.outcomes[0].status, ChangeOutcome::Status::kBlockedForward);
  EXPECT_STREQ(outcomeStatusName(r.outcomes[0].status), "blocked_forward");
  EXPECT_EQ(r.plan.entries[0].state, RecordState::kBlockedForward);
  EXPECT_EQ(r.plan.entries[0].reason,
            "the provider does not see the forward record yet: the hostname does not resolve to "
            "this IP");
  EXPECT_EQ(r.plan.summary[RecordState::kBlockedForward], 1u);
  EXPECT_FALSE(r.converged());
}

// Each change carries the PTR the inventory showed, for providers that make
// their write conditional on it (RFC 2136 prerequisites).
TEST(Reconcile, ChangesCarryThePtrTheInventoryShowed) {
  Pass p;
  p.provider.own("203.0.113.1", "old.example.com.", "");
  p.declare("203.0.113.1", "mail.example.com.");
  p.provider.own("203.0.113.2", "", "");
  p.declare("203.0.113.2", "mx.example.com.");
  p.apply();
  ASSERT_EQ(p.provider.sent.size(), 2u);
  EXPECT_EQ(p.provider.sent[0].observedPtr, "old.example.com.");
  EXPECT_EQ(p.provider.sent[1].observedPtr, "");
}

TEST(Reconcile, BatchesAreCappedAtTheProvidersSize) {
  Pass p;
  p.provider.batchSize = 500;
  p.options.limits.maxChanges = 5000;
  for (int i = 0; i < 1200; ++i) {
    std::string a = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    p.provider.own(a, "", "");
    p.declare(a, "h.example.com.");
  }
  ApplyReport r = p.apply();
  EXPECT_EQ(p.provider.batchSizes, (std::vector<size_t>{500, 500, 200}));
  EXPECT_TRUE(r.converged());
  EXPECT_EQ(p.dns.ptrCalls, 1) << "one verification round for all 1,200";
}

TEST(Reconcile, ARejectedBatchIsSplitToIsolateTheBadChange) {
  Pass p;
  for (int i = 1; i <= 8; ++i) {
    std::string a = "203.0.113." + std::to_string(i);
    p.provider.own(a, "", "");
    p.declare(a, "h.example.com.");
  }
  p.provider.poison.insert("203.0.113.6");
  ApplyReport r = p.apply();
  EXPECT_EQ(r.applied, 7u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.outcomes[5].status, ChangeOutcome::Status::kFailed);
  EXPECT_EQ(r.outcomes[5].reason, "HTTP 422: bad rrset 203.0.113.6");
  EXPECT_EQ(r.plan.entries[5].state, RecordState::kSet) << "still pending: retried next pass";
  // Depth first: 8 fails; 1-4 pass; 5-8 fail; 5-6 fail; 5 passes; 6 fails alone; 7-8 pass.
  EXPECT_EQ(p.provider.batchSizes, (std::vector<size_t>{8, 4, 4, 2, 1, 1, 2}));
}

TEST(Reconcile, TransientBatchFailureIsNotRetriedThisPass) {
  Pass p;
  p.provider.own("203.0.113.1", "", "");
  p.provider.own("203.0.113.2", "", "");
  p.declare("203.0.113.1", "h.example.com.");
  p.declare("203.0.113.2", "h.example.com.");
  p.provider.transientBatchFailure = true;
  ApplyReport r = p.apply();
  EXPECT_EQ(r.failed, 2u);
  EXPECT_EQ(p.provider.batchSizes.size(), 1u);
  EXPECT_EQ(r.plan.entries[0].reason, "failed: HTTP 502");
}

TEST(Reconcile, SafetyCapRefusesEverything) {
  Pass p;
  p.options.limits = SafetyLimits{20, 1000};
  for (int i = 1; i <= 4; ++i) {
    std::string a = "203.0.113." + std::to_string(i);
    p.provider.own(a, "", "");
    p.declare(a, "h.example.com.");
  }
  ApplyReport r = p.apply();
  EXPECT_TRUE(r.capRefused);
  EXPECT_FALSE(r.converged());
  EXPECT_TRUE(p.provider.batchSizes.empty());

  p.options.allowLargeChange = true;
  EXPECT_TRUE(p.apply().converged());
}

}  // namespace
}  // namespace ptrd
