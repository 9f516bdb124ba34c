// The planner under the two policies (contract §4, §7): upsert-only never
// touches an undeclared IP; sync resets only owned, undeclared custom PTRs, and
// not one while the desired state is incomplete or any entry was unreadable.
#include <gtest/gtest.h>

#include "reconciler/plan/planner.h"
#include "tests/unit/plan/plan_fixture.h"

namespace ptrd {
namespace {

using testing::entryFor;
using testing::PlanFixture;

constexpr const char* kMail = "mail.example.com.";

TEST(Planner, UpsertOnlyNeverTouchesUndeclaredIps) {
  PlanFixture f;
  f.own("203.0.113.99", "someone.example.org.", "203-0-113-99.static.example.net.");
  Plan p = f.plan();
  EXPECT_TRUE(p.entries.empty());
  EXPECT_TRUE(p.changes.empty());
  EXPECT_EQ(p.managed, 1u) << "still managed: a custom PTR on the account";
}

TEST(Planner, SyncResetsOwnedUndeclaredCustomPtrsOnly) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  f.own("203.0.113.99", "someone.example.org.", "203-0-113-99.static.example.net.");
  f.own("203.0.113.98", "203-0-113-98.static.example.net.", "203-0-113-98.static.example.net.");
  f.own("203.0.113.97", "", "", false);
  Plan p = f.plan();
  ASSERT_EQ(p.entries.size(), 1u);
  EXPECT_EQ(p.entries[0].ipText(), "203.0.113.99");
  EXPECT_EQ(p.entries[0].state, RecordState::kReset);
  EXPECT_FALSE(p.entries[0].declared);
  EXPECT_EQ(p.entries[0].to, "203-0-113-99.static.example.net.");
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].from, "someone.example.org.");
}

TEST(Planner, IncompleteDesiredStateSuppressesEverySyncReset) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  f.desired.fileErrors.push_back(
      Diagnostic{SourceLocation{"mappings/broken.yaml", 3, 1}, "bad indentation"});
  f.own("203.0.113.99", "someone.example.org.", "203-0-113-99.static.example.net.");
  f.declare("203.0.113.10", kMail);  // records of files that did load still plan
  f.own("203.0.113.10", "");
  f.answerA(kMail, {"203.0.113.10"});
  Plan p = f.plan();
  EXPECT_TRUE(p.syncSuppressed);
  EXPECT_EQ(entryFor(p, "203.0.113.99"), nullptr);
  EXPECT_EQ(p.summary[RecordState::kReset], 0u);
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].change.action, providers::Change::Action::kSet);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("1 held back"), std::string::npos) << p.warnings[0];
  EXPECT_NE(p.warnings[0].find("mappings/broken.yaml:3:1"), std::string::npos) << p.warnings[0];
}

// Contract §7: one unreadable entry (a byte-order mark, "198.51.100.010") could
// have declared any undeclared IP, so under sync it suspends every reset, not
// only the one of an address that parsed; the note says why and where.
TEST(Planner, AnyInvalidEntrySuspendsEverySyncReset) {
  PlanFixture f;
  f.options.policy = Policy::kSync;
  f.declareInvalid(std::nullopt, 4,
                   "invalid IP address \"198.51.100.010\": leading zero in octet \"010\"");
  f.own("198.51.100.10", "fleet-10.example.com.", "198-51-100-10.static.example.net.");
  f.declare("203.0.113.10", kMail);  // valid entries still plan
  f.own("203.0.113.10", "");
  f.answerA(kMail, {"203.0.113.10"});
  Plan p = f.plan();
  EXPECT_TRUE(p.syncSuppressed);
  EXPECT_EQ(entryFor(p, "198.51.100.10"), nullptr) << "an undeclared IP must not be reset";
  EXPECT_EQ(p.summary[RecordState::kReset], 0u);
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].change.action, providers::Change::Action::kSet);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("sync resets suspended: 1 invalid entry (mappings/mail.yaml:4:9)"),
            std::string::npos)
      << p.warnings[0];
  EXPECT_NE(p.warnings[0].find("1 held back"), std::string::npos) << p.warnings[0];
}

TEST(Planner, UpsertOnlyWithAnInvalidEntryHasNoSyncNote) {
  PlanFixture f;
  f.declareInvalid(std::nullopt, 4, "bad");
  f.own("198.51.100.10", "fleet-10.example.com.", "198-51-100-10.static.example.net.");
  Plan p = f.plan();
  EXPECT_FALSE(p.syncSuppressed);
  EXPECT_TRUE(p.warnings.empty());
}

}  // namespace
}  // namespace ptrd
