// The planner reading an inventory taken in page by page (ListedInventory) must
// plan exactly what it plans from the whole inventory, state for state.
#include "reconciler/plan/listed_inventory.h"

#include <gtest/gtest.h>

#include "reconciler/plan/planner.h"
#include "tests/unit/plan/plan_fixture.h"

namespace ptrd {
namespace {

using testing::PlanFixture;

constexpr const char* kMail = "mail.example.com.";

// Every kind of address the keeping rules tell apart.
PlanFixture mixedFleet() {
  PlanFixture f;
  for (int i = 1; i <= 6; ++i) {  // in sync, one spelled oddly by the provider
    std::string ip = "203.0.113." + std::to_string(i);
    f.declare(ip, "h" + std::to_string(i) + ".example.com.", uint32_t(i));
    f.own(ip, i == 1 ? "H1.Example.COM" : "h" + std::to_string(i) + ".example.com.", "d.net.");
  }
  f.declare("203.0.113.20", kMail, 20);  // to set: forward confirms
  f.own("203.0.113.20", "old.example.net.", "d20.net.");
  f.answerA(kMail, {"203.0.113.20"});
  f.declare("203.0.113.21", "blocked.example.com.", 21);  // to set: forward says no
  f.own("203.0.113.21", "", "d21.net.");
  f.answerA("blocked.example.com.", {"192.0.2.1"});
  f.declareReset("203.0.113.22", 22);  // custom: reset
  f.own("203.0.113.22", "custom.example.org.", "d22.net.");
  f.declareReset("203.0.113.23", 23);  // already the default
  f.own("203.0.113.23", "d23.net.", "d23.net.");
  f.declare("198.51.100.1", kMail, 30);  // not on the account
  f.declareInvalid(std::string("203.0.113.40"), 40, "bad name");
  f.own("203.0.113.40", "kept.example.org.", "d40.net.");
  f.own("203.0.113.50", "someone.example.org.", "d50.net.");  // undeclared, custom
  f.own("203.0.113.51", "d51.net.", "d51.net.");              // undeclared, default
  f.own("203.0.113.2", "other.example.org.", "d.net.");       // listed twice: the first counts
  f.own("not-an-ip", "x.example.org.");
  return f;
}

void expectSamePlan(const Plan& a, const Plan& b) {
  ASSERT_EQ(a.entries.size(), b.entries.size());
  for (size_t i = 0; i < a.entries.size(); ++i) {
    const PlanEntry& x = a.entries[i];
    const PlanEntry& y = b.entries[i];
    EXPECT_EQ(x.ipText(), y.ipText());
    EXPECT_EQ(x.state, y.state) << x.ipText();
    EXPECT_EQ(x.from, y.from) << x.ipText();
    EXPECT_EQ(x.to, y.to) << x.ipText();
    EXPECT_EQ(x.reason, y.reason) << x.ipText();
    EXPECT_EQ(x.source.str(), y.source.str()) << x.ipText();
    EXPECT_EQ(x.declared, y.declared) << x.ipText();
  }
  ASSERT_EQ(a.changes.size(), b.changes.size());
  for (size_t i = 0; i < a.changes.size(); ++i) {
    EXPECT_EQ(a.changes[i].change.ip, b.changes[i].change.ip);
    EXPECT_EQ(a.changes[i].change.hostname, b.changes[i].change.hostname);
    EXPECT_EQ(a.changes[i].change.observedPtr, b.changes[i].change.observedPtr);
    EXPECT_EQ(a.changes[i].to, b.changes[i].to);
  }
  EXPECT_EQ(a.summary.counts, b.summary.counts);
  EXPECT_EQ(a.inSyncOmitted, b.inSyncOmitted);
  EXPECT_EQ(a.inSyncOmittedBySource, b.inSyncOmittedBySource);
  EXPECT_EQ(a.managed, b.managed);
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_EQ(a.syncSuppressed, b.syncSuppressed);
}

TEST(ListedInventory, PlansExactlyWhatTheWholeInventoryPlans) {
  for (Policy policy : {Policy::kUpsertOnly, Policy::kSync}) {
    for (bool inSyncEntries : {true, false}) {
      for (bool withInvalid : {true, false}) {
        SCOPED_TRACE(std::string(policyName(policy)) + (inSyncEntries ? " entries" : " counts") +
                     (withInvalid ? " invalid" : ""));
        PlanFixture f = mixedFleet();
        if (!withInvalid) f.desired.invalid.clear();
        f.options.policy = policy;
        f.options.inSyncEntries = inSyncEntries;
        Plan whole = f.plan();  // sorts the records

        ListedInventory listed(f.desired);
        std::vector<providers::OwnedAddress> all = f.inventory.addresses;
        for (size_t i = 0; i < all.size(); i += 3) {  // pages of three
          std::vector<providers::OwnedAddress> page(
              all.begin() + long(i), all.begin() + long(std::min(all.size(), i + 3)));
          listed.add(std::move(page));
        }
        EXPECT_EQ(forwardQuestions(listed, f.options), f.questions());
        expectSamePlan(makePlan(listed, f.forward, f.options), whole);
      }
    }
  }
}

TEST(ListedInventory, KeepsOnlyWhatIsNotDeclaredInSync) {
  PlanFixture f = mixedFleet();
  std::sort(f.desired.records.begin(), f.desired.records.end(),
            [](const DesiredRecord& a, const DesiredRecord& b) { return a.ip < b.ip; });
  ListedInventory listed(f.desired);
  listed.add(std::vector<providers::OwnedAddress>(f.inventory.addresses));
  std::vector<std::string> kept;
  for (const auto& a : listed.kept().addresses) kept.push_back(a.ip);
  // Not the 6 in sync, not the undeclared default, not the second listing of .2.
  EXPECT_EQ(kept, (std::vector<std::string>{"203.0.113.20", "203.0.113.21", "203.0.113.22",
                                            "203.0.113.23", "203.0.113.40", "203.0.113.50",
                                            "not-an-ip"}));
  size_t inSync = 0;
  for (size_t i = 0; i < f.desired.records.size(); ++i) inSync += listed.listedInSync(i);
  EXPECT_EQ(inSync, 6u);
}

TEST(ListedInventory, ZoneOwnedAddressesStayOwned) {
  PlanFixture f;
  f.declare("203.0.113.10", kMail);
  f.answerA(kMail, {"203.0.113.10"});
  f.inventory.ownedZones = {"113.0.203.in-addr.arpa."};
  Plan whole = f.plan();
  ListedInventory listed(f.desired);
  listed.setOwnedZones(f.inventory.ownedZones);
  Plan paged = makePlan(listed, f.forward, f.options);
  ASSERT_EQ(paged.entries.size(), 1u);
  EXPECT_EQ(paged.entries[0].state, RecordState::kSet);
  expectSamePlan(paged, whole);
}

}  // namespace
}  // namespace ptrd
