// The metrics beyond contract §5 (README "Metrics"): process_* from /proc, the
// build revision, the last attempt, provider latency, pending jobs, per-source
// counts.
#include "reconciler/telemetry/metrics.h"

#include <gmock/gmock.h>
#include <unistd.h>

#include <ctime>

#include "reconciler/telemetry/process_metrics.h"

namespace ptrd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ProcStat, ParsesFieldsAfterTheLastParenthesis) {
  // A command name with spaces and ") " inside must not shift the fields.
  const std::string line =
      "4242 (pt rd) 1 2) S 1 4242 4242 0 -1 4194560 500 0 0 0 "
      "250 50 0 0 20 0 3 0 987654 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 "
      "17 1 0 0 0 0 0\n";
  auto s = parseProcStat(line);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->utimeTicks, 250u);
  EXPECT_EQ(s->stimeTicks, 50u);
  EXPECT_EQ(s->startTicks, 987654u);
  EXPECT_EQ(s->vsizeBytes, 123456789u);
  EXPECT_EQ(s->rssPages, 2048u);
}

TEST(ProcStat, RejectsTruncatedOrGarbledText) {
  EXPECT_FALSE(parseProcStat("").has_value());
  EXPECT_FALSE(parseProcStat("4242 (ptrd) S 1 2 3").has_value());
  EXPECT_FALSE(parseProcStat("4242 (ptrd) S 1 4242 4242 0 -1 4194560 500 0 0 0 x 50 0 0 20 0 3 0 "
                             "987654 123456789 2048")
                   .has_value());
  EXPECT_FALSE(parseProcStat("no parenthesis at all").has_value());
}

TEST(ProcStat, BootTimeFromProcStat) {
  EXPECT_EQ(parseBootTime("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
  EXPECT_FALSE(parseBootTime("cpu  1 2 3\n").has_value());
  EXPECT_FALSE(parseBootTime("btime soon\n").has_value());
}

TEST(ProcessStats, ThisProcessLooksLikeItself) {
  auto s = readProcessStats();
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->residentBytes, 1024 * 1024);  // a gtest binary with sanitizers or not
  EXPECT_GE(s->virtualBytes, s->residentBytes);
  EXPECT_GE(s->openFds, 3);  // stdin, stdout, stderr at least
  EXPECT_GE(s->cpuSeconds, 0);
  const double now = double(std::time(nullptr));
  EXPECT_LE(s->startTimeSeconds, now + 1);
  EXPECT_GT(s->startTimeSeconds, now - 3600);  // started within the hour (this test run)
}

TEST(Metrics, ProcessAndBuildInfoAreExported) {
  DaemonMetrics m("1.2.3", "abc123def456");
  const std::string text = m.render();
  for (const char* name : {"process_cpu_seconds_total ", "process_start_time_seconds ",
                           "process_resident_memory_bytes ", "process_virtual_memory_bytes ",
                           "process_open_fds ", "process_max_fds "}) {
    EXPECT_THAT(text, HasSubstr(std::string("\n") + name)) << name;
  }
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter"));
  EXPECT_THAT(text, HasSubstr("ptrd_build_info{revision=\"abc123def456\",version=\"1.2.3\"} 1"));
}

TEST(Metrics, AttemptTimeMovesOnFailureSuccessTimeDoesNot) {
  DaemonMetrics m("1");
  m.passFinished(true, 0.1, 1'700'000'000);
  m.passFinished(false, 0.1, 1'700'000'600);
  const std::string text = m.render();
  EXPECT_THAT(text, HasSubstr("ptrd_last_reconcile_attempt_timestamp_seconds 1700000600"));
  EXPECT_THAT(text, HasSubstr("ptrd_last_successful_reconcile_timestamp_seconds 1700000000"));
}

TEST(Metrics, ProviderLatencyPerOperationOnlyWhenTimed) {
  DaemonMetrics m("1");
  m.providerRequest("powerdns", "list_zones", 200, 0.03);
  m.providerRequest("powerdns", "list_zones", 200, 0.7);
  m.providerRequest("powerdns", "patch_zone", 0);  // untimed: counted, not observed
  const std::string text = m.render();
  EXPECT_THAT(text,
              HasSubstr("ptrd_provider_request_duration_seconds_count{operation=\"list_zones\","
                        "provider=\"powerdns\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("ptrd_provider_request_duration_seconds_bucket{operation=\"list_zones\","
                        "provider=\"powerdns\",le=\"0.05\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("duration_seconds_count{operation=\"patch_zone\"")));
  EXPECT_THAT(text, HasSubstr("ptrd_provider_requests_total{code=\"0\",operation=\"patch_zone\","
                              "provider=\"powerdns\"} 1"));
}

TEST(Metrics, PendingJobsGauge) {
  DaemonMetrics m("1");
  EXPECT_THAT(m.render(), HasSubstr("ptrd_provider_pending_jobs 0"));
  m.setPendingJobs(3);
  EXPECT_THAT(m.render(), HasSubstr("ptrd_provider_pending_jobs 3"));
}

TEST(Metrics, PerSourceCountsByNameAndGoneSourcesDisappear) {
  DesiredState desired;
  auto source = [](const char* file, const char* name) {
    SourceSummary s;
    s.file = file;
    s.name = name;
    return s;
  };
  desired.sources = {source("mappings/mail.yaml", "mail-fleet"),
                     source("mappings/web.txt", "web.txt")};
  Plan plan;
  auto entry = [](const char* file, RecordState state) {
    PlanEntry e;
    e.state = state;
    e.source.file = file;
    return e;
  };
  plan.entries = {entry("mappings/mail.yaml", RecordState::kInSync),
                  entry("mappings/mail.yaml", RecordState::kSet),
                  entry("mappings/mail.yaml", RecordState::kSet),
                  entry("mappings/web.txt", RecordState::kNotOwned),
                  entry("", RecordState::kReset)};  // undeclared sync reset: no source
  auto bySource = countBySource(plan, desired);
  ASSERT_EQ(bySource.size(), 2u);
  EXPECT_EQ(bySource["mail-fleet"][RecordState::kSet], 2u);
  EXPECT_EQ(bySource["mail-fleet"][RecordState::kInSync], 1u);
  EXPECT_EQ(bySource["web.txt"][RecordState::kNotOwned], 1u);
  EXPECT_EQ(bySource["web.txt"][RecordState::kReset], 0u);

  DaemonMetrics m("1");
  m.setSourceStates(bySource);
  std::string text = m.render();
  EXPECT_THAT(text, HasSubstr("ptrd_source_records{source=\"mail-fleet\",state=\"set\"} 2"));
  EXPECT_THAT(text, HasSubstr("ptrd_source_records{source=\"web.txt\",state=\"not_owned\"} 1"));
  EXPECT_THAT(text, HasSubstr("ptrd_source_records{source=\"web.txt\",state=\"invalid\"} 0"));

  bySource.erase("web.txt");  // the file was deleted from Git
  m.setSourceStates(bySource);
  text = m.render();
  EXPECT_THAT(text, Not(HasSubstr("source=\"web.txt\"")));
  EXPECT_THAT(text, HasSubstr("ptrd_source_records{source=\"mail-fleet\",state=\"set\"} 2"));
}

TEST(Metrics, PerSourceCountsIncludeInSyncIpsThePlanOnlyCounted) {
  DesiredState desired;
  desired.sources = {SourceSummary{"mappings/mail.yaml", "mail-fleet"},
                     SourceSummary{"mappings/web.txt", "web.txt"}};
  Plan plan;
  PlanEntry set;
  set.state = RecordState::kSet;
  set.source.file = "mappings/web.txt";
  plan.entries = {set};
  plan.inSyncOmitted = 7;
  plan.inSyncOmittedBySource = {4, 3};
  auto bySource = countBySource(plan, desired);
  EXPECT_EQ(bySource["mail-fleet"][RecordState::kInSync], 4u);
  EXPECT_EQ(bySource["web.txt"][RecordState::kInSync], 3u);
  EXPECT_EQ(bySource["web.txt"][RecordState::kSet], 1u);
}

}  // namespace
}  // namespace ptrd::testing
