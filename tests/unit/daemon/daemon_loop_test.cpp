// The daemon loop under a fake clock: when passes run (interval, jitter, backoff,
// file changes), what a broken file does, and draining on SIGTERM.
#include <gmock/gmock.h>

#include <filesystem>

#include "tests/unit/daemon/daemon_test_fixture.h"

namespace ptrd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

class DaemonLoopTest : public DaemonFixture {};

TEST_F(DaemonLoopTest, FirstPassAtOnceThenEveryJitteredInterval) {
  make();
  const auto t0 = clock.now();
  ASSERT_TRUE(loop->shouldRunNow(t0));
  ASSERT_TRUE(turn());
  EXPECT_TRUE(loop->lastPassSucceeded());
  EXPECT_EQ(fake.account["203.0.113.10"].ptr, "web.example.com.");
  // random 0 is the low end of +-10%: 54 s after a 1 m interval.
  EXPECT_EQ(loop->nextRunAt() - t0, seconds(54));
  clock.advance(seconds(53));
  EXPECT_FALSE(loop->shouldRunNow(clock.now()));
  EXPECT_FALSE(turn());
  clock.advance(seconds(1));
  EXPECT_TRUE(turn());
  // The high end: just under 66 s.
  random.value = 11'999'999;
  const auto t2 = clock.now();
  clock.advance(seconds(54));
  EXPECT_TRUE(turn());
  EXPECT_EQ(loop->nextRunAt() - (t2 + seconds(54)), milliseconds(65'999));
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_reconcile_total{result=\"success\"} 3"));
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_changes_total{action=\"set\",result=\"applied\"} 1"));
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_records{state=\"in_sync\"} 1"));
  EXPECT_TRUE(status.ready());
}

TEST_F(DaemonLoopTest, BacksOffDuringAProviderOutageAndRecovers) {
  make();
  fake.inventoryFails = true;
  std::vector<int64_t> gaps;
  auto last = clock.now();
  ASSERT_TRUE(turn());
  for (int passes = 1; passes < 6;) {
    clock.set(loop->nextRunAt());
    if (turn()) {
      gaps.push_back(std::chrono::duration_cast<milliseconds>(clock.now() - last).count());
      last = clock.now();
      ++passes;
    }
  }
  EXPECT_EQ(gaps, (std::vector<int64_t>{500, 1000, 2000, 4000, 4000}));
  EXPECT_EQ(loop->consecutiveFailures(), 6u);
  EXPECT_EQ(provider.applies, 0);
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_reconcile_total{result=\"error\"} 6"));
  EXPECT_THAT(logs(), HasSubstr("pass failed; retrying after backoff"));
  EXPECT_FALSE(status.ready());

  fake.inventoryFails = false;
  clock.set(loop->nextRunAt());
  ASSERT_TRUE(turn());
  EXPECT_TRUE(loop->lastPassSucceeded());
  EXPECT_EQ(loop->consecutiveFailures(), 0u);
  EXPECT_EQ(loop->nextRunAt() - clock.now(), seconds(54));  // back on the interval
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_reconcile_total{result=\"success\"} 1"));
}

TEST_F(DaemonLoopTest, AChangedMappingFileStartsAPassWithinAWatchPeriod) {
  make();
  ASSERT_TRUE(turn());
  dir.write("mappings/api.yaml", mappingYaml("203.0.113.11", "api.example.com"));
  clock.advance(milliseconds(999));
  EXPECT_FALSE(turn());  // not polled yet
  clock.advance(milliseconds(1));
  EXPECT_TRUE(turn());  // long before the interval
  EXPECT_EQ(loop->desired().records.size(), 2u);
  EXPECT_EQ(fake.account["203.0.113.11"].ptr, "api.example.com.");
  clock.advance(seconds(1));
  EXPECT_FALSE(turn());  // nothing changed since
}

TEST_F(DaemonLoopTest, AConfigMapDataSymlinkSwapIsReloaded) {
  namespace fs = std::filesystem;
  const fs::path cm = dir.path() / "cm";
  dir.write("cm/..v1/web.yaml", mappingYaml("203.0.113.10", "web.example.com"));
  fs::create_directory_symlink("..v1", cm / "..data");
  fs::create_symlink("..data/web.yaml", cm / "web.yaml");
  configPath = dir.write("ptrd.yaml", configYaml("cm/"));
  make();
  ASSERT_TRUE(turn());
  ASSERT_EQ(loop->desired().records.size(), 1u);
  EXPECT_EQ(loop->desired().records[0].ip.str(), "203.0.113.10");

  dir.write("cm/..v2/web.yaml", mappingYaml("203.0.113.11", "api.example.com"));  // same size
  fs::create_directory_symlink("..v2", cm / "..data_tmp");
  fs::rename(cm / "..data_tmp", cm / "..data");
  fs::remove_all(cm / "..v1");
  clock.advance(seconds(1));
  ASSERT_TRUE(turn());
  ASSERT_EQ(loop->desired().records.size(), 1u);
  EXPECT_EQ(loop->desired().records[0].ip.str(), "203.0.113.11");
  EXPECT_EQ(fake.account["203.0.113.11"].ptr, "api.example.com.");
}

TEST_F(DaemonLoopTest, ABrokenMappingFileKeepsTheLastGoodStateAndTheMetricSaysZero) {
  make();
  ASSERT_TRUE(turn());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 1"));
  dir.write("mappings/web.yaml",
            "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nspec:\n  recordz: []\n");
  fake.own("203.0.113.10", "drifted.example.net.", "10.static.example.net.");  // someone changed it
  clock.advance(seconds(1));
  ASSERT_TRUE(turn());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 0"));
  ASSERT_EQ(loop->desired().records.size(), 1u);                    // not "nothing is desired"
  EXPECT_EQ(fake.account["203.0.113.10"].ptr, "web.example.com.");  // still enforced
  EXPECT_THAT(logs(), HasSubstr("keeping the last good desired state"));
  EXPECT_THAT(logs(), HasSubstr("web.yaml:4:"));
  EXPECT_THAT(status.statusJson(), HasSubstr("web.yaml:4:"));

  dir.write("mappings/web.yaml", mappingYaml("203.0.113.10", "web.example.com"));
  clock.advance(seconds(1));
  ASSERT_TRUE(turn());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 1"));
}

TEST_F(DaemonLoopTest, ABrokenConfigKeepsTheLastGoodConfig) {
  make();
  ASSERT_TRUE(turn());
  dir.write("ptrd.yaml", configYaml("mappings/", "5") + "  bogus: 1\n");
  clock.advance(seconds(1));
  ASSERT_TRUE(turn());
  ASSERT_TRUE(loop->config().has_value());
  EXPECT_EQ(loop->config()->interval, std::chrono::minutes(1));
  EXPECT_TRUE(loop->lastPassSucceeded());  // still reconciling with the good one
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_config_last_reload_successful 0"));
  EXPECT_THAT(logs(), HasSubstr("keeping the last good config"));
}

TEST_F(DaemonLoopTest, ReconnectsOnlyWhenTheConfigOrTheSecretFileChanges) {
  make();
  ASSERT_TRUE(turn());
  clock.set(loop->nextRunAt());
  ASSERT_TRUE(turn());
  EXPECT_EQ(connects, 1);
  dir.write("key", "rotated-token\n");  // a Secret update
  clock.advance(std::chrono::seconds(1));
  ASSERT_TRUE(turn());
  EXPECT_EQ(connects, 2);
  dir.write("ptrd.yaml", configYaml("mappings/", "2m"));
  clock.advance(std::chrono::seconds(1));
  ASSERT_TRUE(turn());
  EXPECT_EQ(connects, 3);
  EXPECT_EQ(loop->config()->interval, std::chrono::minutes(2));
}

TEST_F(DaemonLoopTest, NoConfigAtAllIsAFailedPassWithBackoff) {
  configPath = (dir.path() / "missing.yaml").string();
  make();
  ASSERT_TRUE(turn());
  EXPECT_FALSE(loop->lastPassSucceeded());
  EXPECT_EQ(connects, 0);
  EXPECT_EQ(loop->nextRunAt() - clock.now(), milliseconds(500));
}

TEST_F(DaemonLoopTest, SigtermFinishesTheBatchInHandAndReturnsZero) {
  fake.batchSize = 1;
  dir.write("mappings/api.yaml", mappingYaml("203.0.113.11", "api.example.com"));
  provider.onApply = [this](const std::vector<providers::Change>&) {
    signal.requestStop();
  };  // arrives mid-batch
  resolver.ptrLookupsBeforeVisible =
      1000;  // DNS never shows it: verification would wait its full deadline
  make();
  const auto t0 = clock.now();
  EXPECT_EQ(loop->run(), 0);
  EXPECT_EQ(provider.applies, 1);  // the batch in hand went out; the second was not sent
  EXPECT_EQ(loop->passes(), 1u);
  EXPECT_LT(clock.now() - t0, seconds(2));  // did not sit out verification or the interval
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_changes_total{action=\"set\",result=\"applied\"} 1"));
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_changes_total{action=\"set\",result=\"failed\"} 0"));
  EXPECT_THAT(logs(), HasSubstr("msg=stopped"));
}

TEST_F(DaemonLoopTest, AWakeStartsAPassBeforeTheInterval) {
  make();
  ASSERT_TRUE(turn());
  signal.wake();
  const auto next = loop->tick(clock.now());
  EXPECT_TRUE(clock.waitUntil(next, signal, true));  // the wait is cut short
  EXPECT_TRUE(signal.takeWake());
  loop->requestPass();
  EXPECT_TRUE(loop->shouldRunNow(clock.now()));
  EXPECT_TRUE(turn());
}

TEST_F(DaemonLoopTest, OnceRunsOnePassAndReportsIt) {
  DaemonOptions o;
  o.once = true;
  make(o);
  EXPECT_EQ(loop->run(), 0);
  EXPECT_EQ(loop->passes(), 1u);
  fake.inventoryFails = true;
  make(o);
  EXPECT_EQ(loop->run(), 1);
}

TEST_F(DaemonLoopTest, AMovedForwardRecordRaisesTheMismatchGauge) {
  make();
  ASSERT_TRUE(turn());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_fcrdns_mismatch 0"));
  // In sync at the provider, so the plan asks DNS nothing; the monitor re-checks.
  resolver.forward[{"web.example.com.", IpAddress::Family::kV4}] = {
      *IpAddress::parse("198.51.100.7")};
  clock.set(loop->nextRunAt());
  ASSERT_TRUE(turn());
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_fcrdns_mismatch 1"));
  EXPECT_THAT(status.statusJson(), HasSubstr("forward_mismatch"));
  EXPECT_THAT(metricsText(), Not(HasSubstr("203.0.113.10")));  // never an IP in a label
}

TEST_F(DaemonLoopTest, DryRunPlansAndExportsButNeverWrites) {
  DaemonOptions o;
  o.dryRun = true;
  make(o);
  ASSERT_TRUE(turn());
  EXPECT_TRUE(fake.batchSizes.empty());  // apply() was never called
  EXPECT_EQ(fake.account["203.0.113.10"].ptr, "");
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_records{state=\"set\"} 1"));
  EXPECT_THAT(metricsText(), HasSubstr("ptrd_reconcile_total{result=\"success\"} 1"));
  EXPECT_THAT(status.statusJson(), HasSubstr("203.0.113.10"));
  // The status page's picture of the pass: the same counts, the provider, the row.
  const std::string summary = status.page().summaryJson("");
  EXPECT_THAT(summary, HasSubstr("\"set\": 1"));
  EXPECT_THAT(summary, HasSubstr("\"planned\": true"));
  EXPECT_THAT(summary, HasSubstr("\"type\": \"powerdns\""));
  ASSERT_NE(status.page().view(), nullptr);
  ASSERT_EQ(status.page().view()->rows->size(), 1u);
  EXPECT_EQ(status.page().view()->rows->front().ip, "203.0.113.10");
  EXPECT_GT(status.page().view()->rows->front().since, 0);
}

}  // namespace
}  // namespace ptrd::testing
