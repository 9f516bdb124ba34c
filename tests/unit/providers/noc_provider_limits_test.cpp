// Issue #10 hardening of the noc provider: listings that never end, rate limits
// that would hold a request for an hour, a refused token, and SIGTERM during a
// provider wait. Fake HTTP client and fake time: no sockets, no sleeping.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "providers/noc/noc_provider.h"
#include "core/daemon_clock.h"
#include "reconciler/daemon/drain.h"
#include "reconciler/apply/reconcile.h"
#include "tests/unit/daemon/daemon_fakes.h"
#include "tests/unit/providers/fake_http_client.h"
#include "tests/unit/apply/reconcile_fakes.h"

namespace ptrd::providers::noc {
namespace {

using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

struct Journal : JobJournal {
  std::vector<std::string> events;
  void recordSubmitting(const std::string& key, const std::string&) override {
    events.push_back("submit " + key);
  }
  void recordJob(const std::string&, const std::string& id) override {
    events.push_back("job " + id);
  }
  void done(const std::string& key) override { events.push_back("done " + key); }
};

struct Rig {
  FakeTime time;
  FakeClient::Handler handler;
  std::shared_ptr<std::vector<http::Request>> requests;
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  NocOptions options;

  Rig() {
    options.url = "https://noc.test/api";
    options.token = "tok-secret";
    options.jobTimeout = 300s;
    options.keyNonce = "n1";
  }
  std::unique_ptr<NocProvider> make(http::RetryEnv env) {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
    requests = client->requests;
    options.journal = journal;
    return std::make_unique<NocProvider>(options, std::move(client), std::move(env));
  }
  std::unique_ptr<NocProvider> make() { return make(time.env()); }
  size_t count(const std::string& method) const {
    size_t n = 0;
    for (const auto& r : *requests) n += r.method == method;
    return n;
  }
};

std::vector<Change> changes(int n) {
  std::vector<Change> out;
  for (int i = 0; i < n; ++i) {
    std::string ip = "203.0.113." + std::to_string(10 + i);
    out.push_back(Change{ip, std::to_string(10 + i) + ".113.0.203.in-addr.arpa.",
                         Change::Action::kSet, "mail.example.com."});
  }
  return out;
}

// Case 6: a cursor that never ends (each one new, so no repeat) pages forever.
TEST(NocProviderLimits, EndlessCursorStopsAtThePageBoundWithAnError) {
  Rig f;
  int served = 0;
  f.handler = [&](const http::Request&) -> Result<http::Response> {
    // A guard so the unbounded code fails instead of running forever.
    if (++served > int(kMaxInventoryPages) + 10) return reply(400, "");
    return reply(200, fmt::format(R"({{"items": [], "next_cursor": "c{}"}})", served));
  };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("more than 10000 pages"));
  EXPECT_EQ(f.requests->size(), kMaxInventoryPages);
}

TEST(NocProviderLimits, MoreItemsThanTheBoundIsAnErrorNotAPartialInventory) {
  Rig f;
  f.options.maxItems = 3;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    std::string next = r.url.find("cursor=") == std::string::npos ? R"("p2")" : "null";
    return reply(200, R"({"items": [{"ip": "203.0.113.1", "ptr": null, "default_ptr": "d."},
                                     {"ip": "203.0.113.2", "ptr": null, "default_ptr": "d."}],
                         "next_cursor": )" +
                          next + "}");
  };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("more than 3 addresses"));
}

// Case 13: "Retry-After: 120" thirty times would hold one request for an hour.
TEST(NocProviderLimits, RetryAfterPastTheRequestDeadlineEndsTheRetriesAtOnce) {
  Rig f;
  f.handler = [](const http::Request&) { return Result<http::Response>(reply(429, "", 120)); };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().kind, Error::Kind::kRateLimited);
  EXPECT_THAT(inv.error().message,
              HasSubstr("retry after 120 s, later than this request's deadline"));
  EXPECT_EQ(f.requests->size(), 1u)
      << "waiting out the whole 2 min deadline leaves no time to ask again";
  EXPECT_TRUE(f.time.sleeps.empty());
}

TEST(NocProviderLimits, EachAttemptIsCappedByWhatIsLeftOfTheDeadline) {
  Rig f;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(reply(200, R"({"items": []})"));
  };
  ASSERT_TRUE(f.make()->inventory().ok());
  ASSERT_EQ(f.requests->size(), 1u);
  EXPECT_EQ((*f.requests)[0].timeout, 120s);
}

TEST(NocProviderLimits, ThePassDeadlineBoundsAJobThatNeverFinishes) {
  Rig f;
  f.time.passDeadline = std::chrono::steady_clock::time_point{} + 10s;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-1"})");
    return reply(200, R"({"job_id": "j-1", "state": "running"})");
  };
  auto r = f.make()->apply(changes(2));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("still running at its deadline"));
  EXPECT_LE(f.time.now - std::chrono::steady_clock::time_point{}, 10s) << "jobTimeout is 300 s";
}

// Case 14: a refused token is one request, then the pass stops.
TEST(NocProviderLimits, RefusedTokenStopsThePassAfterOnePost) {
  ptrd::testing::FakeResolver dns;
  ptrd::testing::FakeProvider account(&dns);
  DesiredState desired;
  desired.sources.push_back(SourceSummary{"m.yaml", "m"});
  PlanOptions options;
  options.limits.maxChangePercent = 100;
  for (int i = 1; i <= 6; ++i) {
    std::string a = "203.0.113." + std::to_string(i);
    account.own(a, "", "d.example.net.");
    DesiredRecord rec;
    rec.ip = *IpAddress::parse(a);
    rec.hostname = "mail.example.com.";
    rec.line = uint32_t(i);
    desired.records.push_back(rec);
    dns.forward[ForwardQuestion{"mail.example.com.", rec.ip.family()}].push_back(rec.ip);
  }
  auto plan = observeAndPlan(desired, account, dns, options);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->changes.size(), 6u);

  Rig f;
  f.options.batchSize = 2;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(
        reply(401, R"({"error": {"code": "unauthorized", "message": "bad token"}})"));
  };
  auto noc = f.make();
  ptrd::testing::FakeClock clock;
  ApplyReport report = applyPlan(*plan, *noc, dns, clock, VerifyOptions{});
  EXPECT_EQ(f.count("POST"), 1u) << "no halving, no further batches";
  EXPECT_EQ(report.failed, 6u);
  for (const auto& o : report.outcomes) {
    EXPECT_THAT(o.reason, HasSubstr("refused the token"));
    EXPECT_THAT(o.reason, ::testing::Not(HasSubstr("tok-secret")));
  }
}

TEST(NocProviderLimits, RejectedBatchIsStillSplitButAServerErrorIsNot) {
  EXPECT_TRUE(Error::rejected("x").isRejected());
  Rig f;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(reply(422, R"({"error": {"code": "invalid", "message": "x"}})"));
  };
  auto r = f.make()->apply(changes(2));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isRejected());
}

// Case 15: SIGTERM during a 120 s Retry-After or a job poll ends the wait.
TEST(NocProviderLimits, StopDuringRetryAfterEndsTheWaitAtOnce) {
  Rig f;
  f.time.stopAfterSleeps = 1;
  f.handler = [](const http::Request&) { return Result<http::Response>(reply(429, "", 60)); };
  auto inv = f.make()->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("shutting down"));
  EXPECT_EQ(f.requests->size(), 1u);
  EXPECT_EQ(f.time.now, std::chrono::steady_clock::time_point{});
}

TEST(NocProviderLimits, StopDuringAJobPollLeavesTheJobJournaled) {
  Rig f;
  f.time.stopAfterSleeps = 3;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-9"})");
    return reply(200, R"({"job_id": "j-9", "state": "running"})");
  };
  auto r = f.make()->apply(changes(2));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_THAT(r.error().message, HasSubstr("shutting down"));
  EXPECT_EQ(f.count("GET"), 2u);
  ASSERT_EQ(f.journal->events.size(), 2u);
  EXPECT_EQ(f.journal->events[1], "job j-9") << "not done: the next process resumes it";
}

// The daemon's own wait (its clock and stop signal) behind the provider: with
// the stop already requested, a 120 s Retry-After does not advance the clock.
TEST(NocProviderLimits, DaemonProviderWaitReturnsOnStopWithoutWaitingOut) {
  ptrd::testing::FakeDaemonClock clock;
  WakeSignal signal;
  auto wait = std::make_shared<DaemonProviderWait>(clock, signal);
  Rig f;
  const auto start = clock.now();
  f.handler = [&](const http::Request&) {
    signal.requestStop();  // SIGTERM arrives while the request is in flight
    return Result<http::Response>(reply(429, "", 100));
  };
  auto inv = f.make(http::RetryEnv::from(wait))->inventory();
  ASSERT_FALSE(inv.ok());
  EXPECT_THAT(inv.error().message, HasSubstr("shutting down"));
  EXPECT_LT(clock.now() - start, 1s);
  EXPECT_EQ(f.requests->size(), 1u);
  wait->startPass(clock.now() + 5s);
  EXPECT_EQ(wait->passDeadline(), clock.now() + 5s);
}

}  // namespace
}  // namespace ptrd::providers::noc
