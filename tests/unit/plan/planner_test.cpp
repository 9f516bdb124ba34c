// The planner's per-IP rules (contract §4), one state at a time.
#include "reconciler/plan/planner.h"

#include <gtest/gtest.h>

#include "tests/unit/plan/plan_fixture.h"

namespace ptrd {
namespace {

using testing::entryFor;
using testing::PlanFixture;
using V = IpAddress::Family;

constexpr const char* kMail = "mail.example.com.";

TEST(Planner, EqualNamesAfterNormalisationAreInSync) {
  PlanFixture f;
  f.declare("203.0.113.10", kMail);
  f.own("203.0.113.10", "MAIL.Example.com");  // providers may hand back odd spellings
  Plan p = f.plan();
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].state, RecordState::kInSync);
  EXPECT_TRUE(p.changes.empty());
  EXPECT_TRUE(p.converged());
  EXPECT_TRUE(f.questions().empty()) << "an in-sync IP needs no forward lookup";
}

TEST(Planner, IdempotencyDesiredEqualsCurrentGivesNoChanges) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  for (int i = 1; i <= 50; ++i) {
    std::string ip = "203.0.113." + std::to_string(i);
    std::string host = "h" + std::to_string(i) + ".example.com.";
    f.declare(ip, host);
    f.own(ip, host, "default.example.net.");
  }
  f.own("2001:db8::1", "default.example.net.", "default.example.net.", false);
  Plan p = f.plan();
  EXPECT_TRUE(p.changes.empty());
  EXPECT_EQ(p.summary[RecordState::kInSync], 50u);
  EXPECT_FALSE(p.capExceeded);
  EXPECT_TRUE(p.warnings.empty());
}

TEST(Planner, WithoutInSyncEntriesInSyncIpsAreOnlyCounted) {
  auto build = [](bool inSyncEntries) {
    PlanFixture f;
    f.options.inSyncEntries = inSyncEntries;
    for (int i = 1; i <= 20; ++i) {
      std::string ip = "203.0.113." + std::to_string(i);
      f.declare(ip, "h" + std::to_string(i) + ".example.com.");
      f.own(ip, "h" + std::to_string(i) + ".example.com.");
    }
    f.declare("203.0.113.30", kMail, 7);
    f.own("203.0.113.30", "old.example.net.");
    f.answerA(kMail, {"203.0.113.30"});
    f.declare("198.51.100.1", kMail);  // not on the account
    return f.plan();
  };
  Plan all = build(true);
  Plan lean = build(false);
  EXPECT_EQ(all.entries.size(), 22u);
  ASSERT_EQ(lean.entries.size(), 2u);  // the set and the not_owned, in IP order
  EXPECT_EQ(lean.entries[0].state, RecordState::kNotOwned);
  EXPECT_EQ(lean.entries[1].state, RecordState::kSet);
  EXPECT_EQ(lean.entries[1].source.str(), all.entries[21].source.str());
  EXPECT_EQ(lean.summary.counts, all.summary.counts);
  EXPECT_EQ(lean.summary[RecordState::kInSync], 20u);
  EXPECT_EQ(lean.managed, all.managed);
  ASSERT_EQ(lean.changes.size(), 1u);
  EXPECT_EQ(lean.changes[0].change.hostname, kMail);
  EXPECT_FALSE(lean.converged());
}

TEST(Planner, WithoutInSyncEntriesTheCountsStayPerSource) {
  PlanFixture f;
  f.options.inSyncEntries = false;
  for (int i = 1; i <= 5; ++i) {
    std::string ip = "203.0.113." + std::to_string(i);
    f.declare(ip, "h" + std::to_string(i) + ".example.com.");
    f.own(ip, "h" + std::to_string(i) + ".example.com.");
  }
  Plan p = f.plan();
  EXPECT_TRUE(p.entries.empty());
  EXPECT_EQ(p.inSyncOmitted, 5u);
  ASSERT_EQ(p.inSyncOmittedBySource.size(), f.desired.sources.size());
  EXPECT_EQ(p.inSyncOmittedBySource[0], 5u);
  EXPECT_TRUE(p.converged());

  f.options.inSyncEntries = true;
  Plan full = f.plan();
  EXPECT_EQ(full.inSyncOmitted, 0u);
  EXPECT_TRUE(full.inSyncOmittedBySource.empty());
  EXPECT_EQ(full.summary.counts, p.summary.counts);
}

TEST(Planner, SetWhenForwardAnswerContainsTheIp) {
  PlanFixture f;
  f.declare("203.0.113.10", kMail, 12);
  f.own("203.0.113.10", "203-0-113-10.static.example.net.", "203-0-113-10.static.example.net.");
  f.answerA(kMail, {"192.0.2.1", "203.0.113.10"});
  Plan p = f.plan();
  const PlanEntry* e = entryFor(p, "203.0.113.10");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state, RecordState::kSet);
  EXPECT_EQ(e->from, "203-0-113-10.static.example.net.");
  EXPECT_EQ(e->to, kMail);
  EXPECT_EQ(e->source.str(), "mappings/mail.yaml:12:9");
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].change.action, providers::Change::Action::kSet);
  EXPECT_EQ(p.changes[0].change.ip, "203.0.113.10");
  EXPECT_EQ(p.changes[0].change.reverseName, "10.113.0.203.in-addr.arpa.");
  EXPECT_EQ(p.changes[0].change.hostname, kMail);
  EXPECT_EQ(p.changes[0].from, "203-0-113-10.static.example.net.");
  EXPECT_FALSE(p.converged());
}

TEST(Planner, IpV6IsGatedByAaaaNotA) {
  PlanFixture f;
  f.declare("2001:db8::25", kMail);
  f.own("2001:db8::25", "");
  f.answerA(kMail, {"203.0.113.10"});  // an A answer says nothing about the v6 address
  auto q = f.questions();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].family, V::kV6);
  EXPECT_EQ(f.plan().entries[0].state, RecordState::kLookupError);

  f.answer(kMail, V::kV6, LookupOutcome::kAnswer, {"2001:db8::25"});
  EXPECT_EQ(f.plan().entries[0].state, RecordState::kSet);
}

TEST(Planner, BlockedWhenTheNameResolvesElsewhereAndSaysWhere) {
  PlanFixture f;
  f.declare("203.0.113.10", kMail);
  f.own("203.0.113.10", "old.example.com.");
  f.answerA(kMail, {"192.0.2.7", "192.0.2.8"});
  Plan p = f.plan();
  EXPECT_EQ(p.entries[0].state, RecordState::kBlockedForward);
  EXPECT_EQ(p.entries[0].reason,
            "mail.example.com. resolves to 192.0.2.7, 192.0.2.8 (A), not 203.0.113.10");
  EXPECT_TRUE(p.changes.empty());
}

TEST(Planner, BlockedOnNxdomainAndNodata) {
  for (auto outcome : {LookupOutcome::kNxdomain, LookupOutcome::kNodata}) {
    PlanFixture f;
    f.declare("203.0.113.10", kMail);
    f.own("203.0.113.10", "");
    f.answer(kMail, V::kV4, outcome);
    Plan p = f.plan();
    EXPECT_EQ(p.entries[0].state, RecordState::kBlockedForward) << outcomeName(outcome);
    EXPECT_NE(p.entries[0].reason.find(outcome == LookupOutcome::kNxdomain ? "NXDOMAIN" : "NODATA"),
              std::string::npos);
    EXPECT_TRUE(p.changes.empty());
  }
}

TEST(Planner, FailedLookupsAreLookupErrorsNeverBlockedOrAbsent) {
  for (auto outcome : {LookupOutcome::kTimeout, LookupOutcome::kServfail, LookupOutcome::kRefused,
                       LookupOutcome::kOther}) {
    PlanFixture f;
    f.declare("203.0.113.10", kMail);
    f.own("203.0.113.10", "old.example.com.");
    f.answer(kMail, V::kV4, outcome);
    Plan p = f.plan();
    EXPECT_EQ(p.entries[0].state, RecordState::kLookupError) << outcomeName(outcome);
    EXPECT_NE(p.entries[0].reason.find(outcomeName(outcome)), std::string::npos);
    EXPECT_TRUE(p.changes.empty());
  }
}

TEST(Planner, MissingForwardObservationIsALookupError) {
  PlanFixture f;
  f.declare("203.0.113.10", kMail);
  f.own("203.0.113.10", "");
  EXPECT_EQ(f.plan().entries[0].state, RecordState::kLookupError);
}

TEST(Planner, GateOffSetsWithoutAskingAndWarnsLoudly) {
  PlanFixture f;
  f.options.requireForwardMatch = false;
  f.declare("203.0.113.10", kMail);
  f.own("203.0.113.10", "");
  f.answer(kMail, V::kV4, LookupOutcome::kNxdomain);  // ignored when the gate is off
  EXPECT_TRUE(f.questions().empty());
  Plan p = f.plan();
  EXPECT_EQ(p.entries[0].state, RecordState::kSet);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("requireForwardMatch is false"), std::string::npos);
}

TEST(Planner, DeclaredResetOnlyTouchesACustomPtr) {
  PlanFixture f;
  f.declareReset("203.0.113.11");
  f.own("203.0.113.11", "custom.example.com.", "203-0-113-11.static.example.net.");
  f.declareReset("203.0.113.12");
  f.own("203.0.113.12", "203-0-113-12.static.example.net.", "203-0-113-12.static.example.net.");
  f.declareReset("203.0.113.13");  // custom flag set, default unknown: trust the flag
  f.own("203.0.113.13", "x.example.com.", "", true);
  f.declareReset("203.0.113.14");  // no default known and not custom: leave alone
  f.own("203.0.113.14", "y.example.com.", "", false);
  Plan p = f.plan();
  EXPECT_EQ(entryFor(p, "203.0.113.11")->state, RecordState::kReset);
  EXPECT_EQ(entryFor(p, "203.0.113.11")->to, "203-0-113-11.static.example.net.");
  EXPECT_EQ(entryFor(p, "203.0.113.12")->state, RecordState::kInSync);
  EXPECT_EQ(entryFor(p, "203.0.113.13")->state, RecordState::kReset);
  EXPECT_EQ(entryFor(p, "203.0.113.14")->state, RecordState::kInSync);
  ASSERT_EQ(p.changes.size(), 2u);
  EXPECT_EQ(p.changes[0].change.action, providers::Change::Action::kReset);
  EXPECT_EQ(p.changes[0].change.hostname, "");
  EXPECT_TRUE(f.questions().empty()) << "resets need no forward lookup";
}

TEST(Planner, NotOwnedIsNeverSentNorLookedUp) {
  PlanFixture f;
  f.declare("192.0.2.1", kMail, 4);
  f.own("203.0.113.10", "");
  f.answerA(kMail, {"192.0.2.1"});
  EXPECT_TRUE(f.questions().empty());
  Plan p = f.plan();
  EXPECT_EQ(p.entries[0].state, RecordState::kNotOwned);
  EXPECT_NE(p.entries[0].reason.find("does not list 192.0.2.1"), std::string::npos);
  EXPECT_TRUE(p.changes.empty());
}

TEST(Planner, AddressUnderAnOwnedZoneIsOwnedWithoutARecord) {
  PlanFixture f;
  f.inventory.ownedZones = {"113.0.203.IN-ADDR.ARPA"};
  f.declare("203.0.113.50", kMail);
  f.declare("203.0.13.50", kMail);  // "13.0.203" must not match the zone "113.0.203"
  f.answerA(kMail, {"203.0.113.50", "203.0.13.50"});
  Plan p = f.plan();
  EXPECT_EQ(entryFor(p, "203.0.113.50")->state, RecordState::kSet);
  EXPECT_EQ(entryFor(p, "203.0.113.50")->from, "");
  EXPECT_EQ(entryFor(p, "203.0.13.50")->state, RecordState::kNotOwned);
}

TEST(Planner, InvalidDeclarationsAreReportedWithFileLineAndNeverTouched) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  f.declareInvalid(std::string("203.0.113.7"), 7, "hostname \"mail\" has no domain");
  f.own("203.0.113.7", "custom.example.com.", "203-0-113-7.static.example.net.");
  f.declareInvalid(std::nullopt, 3, "\"203.0.113.999\" is not an IP address");
  f.declare("203.0.113.9", kMail);  // a valid record for an IP that also has an invalid one
  f.declareInvalid(std::string("203.0.113.9"), 9, "conflicting declaration");
  f.own("203.0.113.9", "old.example.com.");
  f.answerA(kMail, {"203.0.113.9"});
  Plan p = f.plan();
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.entries[0].ipText(), "203.0.113.7");
  EXPECT_EQ(p.entries[0].state, RecordState::kInvalid);
  EXPECT_EQ(p.entries[0].source.str(), "mappings/mail.yaml:7:9");
  EXPECT_EQ(p.entries[1].ipText(), "203.0.113.9");
  EXPECT_EQ(p.entries[1].state, RecordState::kInvalid);
  EXPECT_FALSE(p.entries[2].ip.has_value()) << "address-less invalid entries sort last";
  EXPECT_EQ(p.summary[RecordState::kInvalid], 3u);
  EXPECT_TRUE(p.changes.empty()) << "neither the valid twin nor a sync reset may touch them";
}

TEST(Planner, SummaryCountsEveryStateAndChangesAreSorted) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  f.declare("203.0.113.30", "set.example.com.");
  f.own("203.0.113.30", "");
  f.declare("203.0.113.2", "set.example.com.");
  f.own("203.0.113.2", "x.example.com.");
  f.answerA("set.example.com.", {"203.0.113.2", "203.0.113.30"});
  f.declare("203.0.113.3", "sync.example.com.");
  f.own("203.0.113.3", "sync.example.com.");
  f.declare("203.0.113.4", "blocked.example.com.");
  f.own("203.0.113.4", "");
  f.answer("blocked.example.com.", V::kV4, LookupOutcome::kNxdomain);
  f.declare("192.0.2.5", "notowned.example.com.");
  f.declareInvalid(std::nullopt, 40, "bad");
  f.declare("203.0.113.6", "slow.example.com.");
  f.own("203.0.113.6", "");
  f.answer("slow.example.com.", V::kV4, LookupOutcome::kTimeout);
  // A declared reset: the invalid entry suspends only sync's resets of undeclared IPs.
  f.declareReset("203.0.113.1");
  f.own("203.0.113.1", "stray.example.org.", "203-0-113-1.static.example.net.");
  Plan p = f.plan();
  EXPECT_EQ(p.summary[RecordState::kInSync], 1u);
  EXPECT_EQ(p.summary[RecordState::kSet], 2u);
  EXPECT_EQ(p.summary[RecordState::kReset], 1u);
  EXPECT_EQ(p.summary[RecordState::kBlockedForward], 1u);
  EXPECT_EQ(p.summary[RecordState::kNotOwned], 1u);
  EXPECT_EQ(p.summary[RecordState::kInvalid], 1u);
  EXPECT_EQ(p.summary[RecordState::kLookupError], 1u);
  EXPECT_EQ(p.summary[RecordState::kPropagating], 0u);
  ASSERT_EQ(p.changes.size(), 3u);
  EXPECT_EQ(p.changes[0].change.ip, "203.0.113.1");
  EXPECT_EQ(p.changes[1].change.ip, "203.0.113.2");
  EXPECT_EQ(p.changes[2].change.ip, "203.0.113.30");  // numeric order, not text order
  EXPECT_EQ(p.entries.front().ipText(), "192.0.2.5");
  EXPECT_EQ(p.managed, 7u);  // 7 declared addresses
}

TEST(Planner, InventoryOrderDoesNotChangeThePlan) {
  auto build = [](bool reversed) {
    PlanFixture f;
    f.options.policy = Policy::kSync;
    std::vector<std::string> ips = {"203.0.113.5", "2001:db8::1", "203.0.113.40", "10.0.0.1"};
    if (reversed) std::reverse(ips.begin(), ips.end());
    for (const auto& ip : ips) f.own(ip, "c.example.org.", "d.example.net.");
    Plan p = f.plan();
    std::vector<std::string> out;
    for (const auto& c : p.changes) out.push_back(c.change.ip);
    return out;
  };
  EXPECT_EQ(build(false), build(true));
  EXPECT_EQ(build(false),
            (std::vector<std::string>{"10.0.0.1", "203.0.113.5", "203.0.113.40", "2001:db8::1"}));
}

TEST(Planner, ForwardQuestionsAreDeduplicatedAndSorted) {
  PlanFixture f;
  for (int i = 1; i <= 20; ++i) {
    std::string ip = "203.0.113." + std::to_string(i);
    f.declare(ip, i % 2 ? "b.example.com." : "a.example.com.");
    f.own(ip, "");
  }
  f.declare("2001:db8::1", "a.example.com.");
  f.own("2001:db8::1", "");
  auto q = f.questions();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], (ForwardQuestion{"a.example.com.", V::kV4}));
  EXPECT_EQ(q[1], (ForwardQuestion{"a.example.com.", V::kV6}));
  EXPECT_EQ(q[2], (ForwardQuestion{"b.example.com.", V::kV4}));
}

TEST(RecordState, NamesAreTheContractWords) {
  std::vector<std::string> names;
  for (auto s : kAllRecordStates) names.push_back(stateName(s));
  EXPECT_EQ(names,
            (std::vector<std::string>{"in_sync", "set", "reset", "blocked_forward", "not_owned",
                                      "invalid", "lookup_error", "propagating"}));
  EXPECT_EQ(parseState("blocked_forward"), RecordState::kBlockedForward);
  EXPECT_FALSE(parseState("blocked").has_value());
}

}  // namespace
}  // namespace ptrd
