#include "providers/http/paced_calls.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::http {
namespace {

using namespace std::chrono_literals;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;

TEST(RateLimiterTest, NeverLetsMoreThanTheWindowAllowsAndWaitsForTheOldestToLeave) {
  FakeTime time;
  auto env = time.env();
  RateLimiter limiter({{3, 1000ms}});
  std::vector<std::chrono::steady_clock::time_point> sent;
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(limiter.acquire(env, "PUT /x").ok());
    sent.push_back(time.now);
  }
  // Three at once, then each window of one second holds three.
  for (size_t i = 0; i + 3 < sent.size(); ++i) EXPECT_GE(sent[i + 3] - sent[i], 1000ms) << i;
  EXPECT_EQ(sent[2], sent[0]);
  EXPECT_EQ(sent[3] - sent[0], 1000ms);
}

TEST(RateLimiterTest, EveryWindowHolds) {
  FakeTime time;
  auto env = time.env();
  RateLimiter limiter({{4, 60s}, {2, 1s}});
  std::vector<std::chrono::steady_clock::time_point> sent;
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(limiter.acquire(env, "PUT /x").ok());
    sent.push_back(time.now);
  }
  EXPECT_EQ(sent[2] - sent[0], 1s);   // the one-second window
  EXPECT_EQ(sent[4] - sent[0], 60s);  // the minute's four are used up
}

TEST(RateLimiterTest, AStopOrThePassDeadlineEndsTheWaitWithoutSending) {
  FakeTime time;
  auto env = time.env();
  RateLimiter limiter({{1, 60s}});
  ASSERT_TRUE(limiter.acquire(env, "PUT /x").ok());
  time.passDeadline = time.now + 10s;
  auto r = limiter.acquire(env, "PUT /x");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_TRUE(time.sleeps.empty());  // it did not wait for a place it could not use

  time.passDeadline = std::chrono::steady_clock::time_point::max();
  time.stopped = true;
  r = limiter.acquire(env, "PUT /x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("shutting down"), std::string::npos);
}

TEST(RateLimiterTest, ABudgetSpentForLongerThanMaxWaitLeavesTheRequestToTheNextPass) {
  FakeTime time;
  auto env = time.env();
  RateLimiter limiter({{2, 3600s}}, 120s);
  ASSERT_TRUE(limiter.acquire(env, "POST /rdns/x").ok());
  ASSERT_TRUE(limiter.acquire(env, "POST /rdns/x").ok());
  auto r = limiter.acquire(env, "POST /rdns/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, Error::Kind::kRateLimited);
  EXPECT_NE(r.error().message.find("not sent"), std::string::npos);
  EXPECT_TRUE(time.sleeps.empty());
}

TEST(PacedClientTest, EveryAttemptIncludingRetriesTakesAPlace) {
  FakeTime time;
  auto env = time.env();
  int calls = 0;
  auto inner = std::make_unique<FakeClient>(
      [&](const Request&) { return reply(++calls < 3 ? 503 : 200, "{}"); });
  auto limiter = std::make_shared<RateLimiter>(std::vector<RateWindow>{{1, 1000ms}});
  PacedClient client(std::move(inner), limiter, env);
  RetryPolicy policy;
  policy.base = 1ms;
  policy.cap = 1ms;
  auto r = sendWithRetry(client, Request{"op", "PUT", "https://x/y", {}, "", 0ms}, policy, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, 200);
  EXPECT_EQ(calls, 3);
  EXPECT_GE(time.now - std::chrono::steady_clock::time_point{},
            2000ms);  // three sends, one a second
}

// Linode counts every client of the token; when it says the budget is spent
// until Reset, nothing more goes before then, even with room in ptrd's windows.
TEST(PacedClientTest, XRateLimitRemainingZeroHoldsRequestsUntilReset) {
  FakeTime time;
  auto env = time.env();
  auto wallMs = [&] {
    return int64_t(1'764'450'000'000) +
           std::chrono::duration_cast<std::chrono::milliseconds>(time.now.time_since_epoch())
               .count();
  };
  auto log = std::make_shared<SentRequestsLog>("", [&] {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(wallMs()));
  });
  int calls = 0;
  std::vector<std::string> remaining = {"5", "0", "7"};
  auto inner = std::make_unique<FakeClient>([&](const Request&) {
    auto r = reply(200, "{}");
    r.headers = {{"x-ratelimit-remaining", remaining[size_t(calls++)]},
                 {"x-ratelimit-reset", std::to_string(wallMs() / 1000 + 30)}};
    return r;
  });
  auto limiter = std::make_shared<RateLimiter>(std::vector<RateWindow>{{100, 60s}}, 120s,
                                               LimiterLog{log, "requests"});
  PacedClient client(std::move(inner), limiter, env);
  Request req{"op", "PUT", "https://x/y", {}, "", 0ms};
  ASSERT_TRUE(client.send(req).ok());
  ASSERT_TRUE(client.send(req).ok());  // answered "0 left until Reset"
  EXPECT_TRUE(time.sleeps.empty());    // Remaining 5 held nothing
  ASSERT_TRUE(client.send(req).ok());
  ASSERT_EQ(time.sleeps.size(), 1u);
  EXPECT_GE(time.sleeps[0], 29s);
  EXPECT_LE(time.sleeps[0], 30s);
}

TEST(PacedClientTest, AResetFarAheadOrGarbageNeverHoldsLongerThanAnHour) {
  FakeTime time;
  auto env = time.env();
  for (const std::string reset : {"99999999999", "-1", "soon", ""}) {
    auto inner = std::make_unique<FakeClient>([&](const Request&) {
      auto r = reply(200, "{}");
      r.headers = {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset}};
      return r;
    });
    auto limiter = std::make_shared<RateLimiter>(std::vector<RateWindow>{{100, 60s}}, 120s);
    PacedClient client(std::move(inner), limiter, env);
    Request req{"op", "PUT", "https://x/y", {}, "", 0ms};
    ASSERT_TRUE(client.send(req).ok());
    auto second = client.send(req);
    if (reset == "99999999999") {
      ASSERT_FALSE(second.ok());  // held for the hour: left to a later pass, not waited out
      EXPECT_EQ(second.error().kind, Error::Kind::kRateLimited);
    } else {
      EXPECT_TRUE(second.ok()) << reset;
    }
  }
  EXPECT_TRUE(time.sleeps.empty());
}

TEST(ForEachConcurrentlyTest, CallsEveryItemOnceOnAtMostTheGivenWorkers) {
  std::mutex mu;
  std::multiset<size_t> items;
  std::set<size_t> workers;
  forEachConcurrently(100, 4, [&](size_t i, size_t w) {
    std::lock_guard lock(mu);
    items.insert(i);
    workers.insert(w);
  });
  EXPECT_EQ(items.size(), 100u);
  for (size_t i = 0; i < 100; ++i) EXPECT_EQ(items.count(i), 1u);
  for (size_t w : workers) EXPECT_LT(w, 4u);
}

TEST(ForEachConcurrentlyTest, NoItemsNoCalls) {
  int n = 0;
  forEachConcurrently(0, 4, [&](size_t, size_t) { ++n; });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace ptrd::providers::http
