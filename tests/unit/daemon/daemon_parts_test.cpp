// The daemon's small parts: the FCrDNS monitor's TTL schedule and query budget,
// log line formats, and the metric names of contract §5.
#include <gmock/gmock.h>

#include "reconciler/daemon/fcrdns_monitor.h"
#include "reconciler/daemon/memory_probe.h"
#include "reconciler/telemetry/http_endpoint.h"
#include "reconciler/telemetry/logger.h"
#include "reconciler/telemetry/metrics.h"
#include "tests/unit/apply/reconcile_fakes.h"

namespace ptrd::testing {
namespace {

using std::chrono::seconds;
using ::testing::HasSubstr;

std::vector<IpAddress> fleet(int n) {
  std::vector<IpAddress> out;
  for (int i = 1; i <= n; ++i) out.push_back(*IpAddress::parse("203.0.113." + std::to_string(i)));
  return out;
}

TEST(FcrdnsMonitor, StaysWithinTheQueryBudgetAndCoversTheFleetOverTime) {
  FakeResolver dns;
  auto ips = fleet(10);
  for (auto& ip : ips) dns.ptr[ip] = "h.example.com.";
  dns.forward[{"h.example.com.", IpAddress::Family::kV4}] = {ips[0]};
  FcrdnsMonitor m(MonitorOptions{1.0, seconds(300), seconds(3600)});
  Clock::TimePoint t{};
  // 1 query/s over a 4 s interval: 4 queries, 2 IPs (PTR + A each).
  EXPECT_EQ(m.refresh(ips, dns, t, seconds(4)), 3u);  // 2 PTR + 1 shared A question
  EXPECT_EQ(m.observed(), 2u);
  size_t total = 3;
  for (int i = 1; i <= 20; ++i) total += m.refresh(ips, dns, t + seconds(4 * i), seconds(4));
  EXPECT_EQ(m.observed(), 10u);
  EXPECT_LE(total, size_t(4 + 20 * 4));  // never more than earned
  EXPECT_EQ(m.mismatches().size(), 9u);  // h.example.com points at .1 only
}

TEST(FcrdnsMonitor, RechecksWhenTheTtlRunsOutNotBefore) {
  FakeResolver dns;
  auto ips = fleet(1);
  dns.ptr[ips[0]] = "h.example.com.";
  dns.forward[{"h.example.com.", IpAddress::Family::kV4}] = {ips[0]};
  FcrdnsMonitor m(MonitorOptions{100, seconds(30), seconds(3600)});  // fake TTL 0 -> minRecheck
  Clock::TimePoint t{};
  EXPECT_GT(m.refresh(ips, dns, t, seconds(60)), 0u);
  EXPECT_TRUE(m.mismatches().empty());
  dns.forward[{"h.example.com.", IpAddress::Family::kV4}] = {*IpAddress::parse("198.51.100.1")};
  EXPECT_EQ(m.refresh(ips, dns, t + seconds(29), seconds(60)), 0u);
  EXPECT_TRUE(m.mismatches().empty());
  EXPECT_GT(m.refresh(ips, dns, t + seconds(30), seconds(60)), 0u);
  ASSERT_EQ(m.mismatches().size(), 1u);
  m.invalidate(ips[0]);
  EXPECT_GT(m.refresh(ips, dns, t + seconds(31), seconds(60)), 0u);  // ptrd changed it: look again
  EXPECT_EQ(m.refresh({}, dns, t + seconds(100), seconds(60)), 0u);
  EXPECT_EQ(m.observed(), 0u);  // undeclared IPs are forgotten
}

// What a probe logged to a temporary file.
std::string probeOutput(bool enabled) {
  if (enabled)
    ::setenv("PTRD_MEMORY_PROBE", "1", 1);
  else
    ::unsetenv("PTRD_MEMORY_PROBE");
  std::FILE* out = std::tmpfile();
  Logger log(LogFormat::kLogfmt, out);
  MemoryProbe probe;
  probe.mark(log, "monitor");
  ::unsetenv("PTRD_MEMORY_PROBE");
  std::string text(4096, '\0');
  std::rewind(out);
  text.resize(std::fread(text.data(), 1, text.size(), out));
  std::fclose(out);
  return text;
}

TEST(MemoryProbe, LogsThePhasePeakOnlyWhenAskedTo) {
  EXPECT_EQ(probeOutput(false), "");
  const std::string line = probeOutput(true);
  EXPECT_THAT(line, HasSubstr("msg=\"memory probe\" phase=monitor hwm_kb="));
  EXPECT_THAT(line, HasSubstr(" rss_kb="));
  EXPECT_THAT(line, ::testing::Not(HasSubstr("hwm_kb=-1")));
}

TEST(Logger, LogfmtQuotesWhatNeedsQuotingAndJsonIsOneObject) {
  auto fixed = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  };
  Logger logfmt(LogFormat::kLogfmt, stderr, fixed);
  EXPECT_EQ(logfmt.format(LogLevel::kInfo, "change applied",
                          {{"ip", "203.0.113.10"}, {"reason", "say \"hi\"\nbye"}, {"empty", ""}}),
            "ts=2023-11-14T22:13:20.000Z level=info msg=\"change applied\" ip=203.0.113.10 "
            "reason=\"say \\\"hi\\\"\\nbye\" empty=\"\"");
  Logger json(LogFormat::kJson, stderr, fixed);
  EXPECT_EQ(json.format(LogLevel::kWarn, "x", {{"ip", "2001:db8::1"}}),
            R"({"ts":"2023-11-14T22:13:20.000Z","level":"warn","msg":"x","ip":"2001:db8::1"})");
}

TEST(Logger, NumbersAndBoolsStayTypedInJsonLogs) {
  auto fixed = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  };
  const LogFields f{{"failures", 3u},
                    {"retry_in_ms", int64_t{-250}},
                    {"dry_run", true},
                    {"ratio", 0.5},
                    {"text", "3"}};
  Logger json(LogFormat::kJson, stderr, fixed);
  EXPECT_EQ(json.format(LogLevel::kInfo, "x", f),
            R"({"ts":"2023-11-14T22:13:20.000Z","level":"info","msg":"x","failures":3,)"
            R"("retry_in_ms":-250,"dry_run":true,"ratio":0.5,"text":"3"})");
  Logger logfmt(LogFormat::kLogfmt, stderr, fixed);
  EXPECT_EQ(logfmt.format(LogLevel::kInfo, "x", f),
            "ts=2023-11-14T22:13:20.000Z level=info msg=x failures=3 retry_in_ms=-250 "
            "dry_run=true ratio=0.5 text=3");
}

TEST(Metrics, EveryContractNameWithItsLabelsIsThereFromTheStart) {
  DaemonMetrics m("1.2.3");
  m.providerRequest("noc", "bulk_submit", 202);
  m.dnsQuery("PTR", "answer");
  const std::string text = m.render();
  for (const char* s : {"in_sync", "set", "reset", "blocked_forward", "not_owned", "invalid",
                        "lookup_error", "propagating"}) {
    EXPECT_THAT(text, HasSubstr(std::string("ptrd_records{state=\"") + s + "\"} 0"));
  }
  for (const char* line :
       {"ptrd_fcrdns_mismatch 0", "ptrd_reconcile_total{result=\"success\"} 0",
        "ptrd_reconcile_total{result=\"error\"} 0", "ptrd_reconcile_duration_seconds_count 0",
        "ptrd_last_successful_reconcile_timestamp_seconds 0",
        "ptrd_changes_total{action=\"reset\",result=\"rejected\"} 0",
        "ptrd_provider_requests_total{code=\"202\",operation=\"bulk_submit\",provider=\"noc\"} 1",
        "ptrd_dns_queries_total{result=\"answer\",type=\"PTR\"} 1",
        "ptrd_config_last_reload_successful 0",
        "ptrd_build_info{revision=\"unknown\",version=\"1.2.3\"} 1"}) {
    EXPECT_THAT(text, HasSubstr(line));
  }
  m.passFinished(true, 0.2, 1'700'000'000);
  EXPECT_THAT(m.render(), HasSubstr("ptrd_last_successful_reconcile_timestamp_seconds 1700000000"));
}

TEST(Listen, ParsesAddressAndPort) {
  auto a = parseListen("[::1]:9153");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 9153);
  EXPECT_FALSE(parseListen("9153").ok());
  EXPECT_FALSE(parseListen("127.0.0.1:http").ok());
}

}  // namespace
}  // namespace ptrd::testing
