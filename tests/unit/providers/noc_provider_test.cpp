#include "providers/noc/noc_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::noc {
namespace {

using nlohmann::json;
using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using ::testing::HasSubstr;
using Status = ChangeResult::Status;
using namespace std::chrono_literals;

struct RecordingJournal : JobJournal {
  std::vector<std::string> events;
  void recordSubmitting(const std::string& key, const std::string&) override {
    events.push_back("submit " + key);
  }
  void recordJob(const std::string& key, const std::string& id) override {
    events.push_back("job " + key + " " + id);
  }
  void done(const std::string& key) override { events.push_back("done " + key); }
};

struct Fixture {
  FakeTime time;
  FakeClient::Handler handler;
  std::shared_ptr<std::vector<http::Request>> requests;
  std::shared_ptr<RecordingJournal> journal = std::make_shared<RecordingJournal>();

  std::unique_ptr<NocProvider> make() {
    auto client =
        std::make_unique<FakeClient>([this](const http::Request& r) { return handler(r); });
    requests = client->requests;
    NocOptions o;
    o.url = "https://noc.test/api";
    o.token = "tok-secret";
    o.jobTimeout = 60s;
    o.keyNonce = "n1";
    o.journal = journal;
    return std::make_unique<NocProvider>(o, std::move(client), time.env());
  }
  std::vector<http::Request> posts() const {
    std::vector<http::Request> out;
    for (const auto& r : *requests)
      if (r.method == "POST") out.push_back(r);
    return out;
  }
};

std::string header(const http::Request& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

std::vector<Change> twoChanges() {
  return {Change{"203.0.113.10", "10.113.0.203.in-addr.arpa.", Change::Action::kSet,
                 "mail.example.com."},
          Change{"203.0.113.11", "11.113.0.203.in-addr.arpa.", Change::Action::kReset, ""}};
}

const char* kDoneJob = R"({"job_id": "j-1", "state": "done", "results": [
  {"ip": "203.0.113.11", "status": "applied", "ptr": "203-0-113-11.static.noc.test."},
  {"ip": "203.0.113.10", "status": "applied", "ptr": "Mail.example.com"}]})";

TEST(NocProviderTest, InventoryFollowsCursors) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.url.find("cursor=") == std::string::npos)
      return reply(
          200, R"({"items": [{"ip": "203.0.113.10", "service": "vps-1", "ptr": "Mail.Example.com",
        "default_ptr": "d10.noc.test.", "custom": true}], "next_cursor": "c/2"})");
    if (r.url.find("cursor=c%2F2") != std::string::npos)
      return reply(200,
                   R"({"items": [{"ip": "2001:DB8::1", "ptr": null, "default_ptr": "d.noc.test."}],
        "next_cursor": null})");
    return reply(400, "");
  };
  auto p = f.make();
  auto inv = p->inventory();
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->addresses.size(), 2u);
  EXPECT_EQ(inv->addresses[0].ptr, "mail.example.com.");
  EXPECT_TRUE(inv->addresses[0].custom);
  EXPECT_EQ(inv->addresses[1].ip, "2001:db8::1");
  EXPECT_EQ(inv->addresses[1].ptr, "");
  EXPECT_TRUE(inv->ownedZones.empty());
  EXPECT_THAT((*f.requests)[0].url, HasSubstr("/api/v1/ips?limit=1000"));
  EXPECT_EQ(header((*f.requests)[0], "Authorization"), "Bearer tok-secret");
}

TEST(NocProviderTest, InventoryPagesAreHandedOverOneByOneAndAFailedPageIsAnError) {
  Fixture f;
  bool secondFails = false;
  f.handler = [&secondFails](const http::Request& r) -> Result<http::Response> {
    if (r.url.find("cursor=") == std::string::npos)
      return reply(200, R"({"items": [{"ip": "203.0.113.10", "ptr": "a.example.com.",
        "default_ptr": "d10.noc.test."}, {"ip": "203.0.113.11", "ptr": null}],
        "next_cursor": "c2"})");
    if (secondFails) return reply(200, "not json");
    return reply(200, R"({"items": [{"ip": "203.0.113.12", "ptr": null}], "next_cursor": null})");
  };
  auto p = f.make();
  std::vector<size_t> pages;
  auto count = [&](std::vector<providers::OwnedAddress>&& page) { pages.push_back(page.size()); };
  auto zones = p->inventoryPages(count);
  ASSERT_TRUE(zones.ok()) << zones.error().message;
  EXPECT_TRUE(zones->empty());
  EXPECT_EQ(pages, (std::vector<size_t>{2, 1}));

  secondFails = true;
  pages.clear();
  zones = p->inventoryPages(count);
  EXPECT_FALSE(zones.ok()) << "a listing that breaks off is an error, never a short inventory";
  EXPECT_EQ(pages, (std::vector<size_t>{2}));
}

TEST(NocProviderTest, GarbageInventoryIsAnError) {
  for (const char* body :
       {"not json", R"({"items": 3})", R"({"items": [{"ptr": "x."}]})", R"([1,2])"}) {
    Fixture f;
    f.handler = [body](const http::Request&) { return Result<http::Response>(reply(200, body)); };
    auto inv = f.make()->inventory();
    EXPECT_FALSE(inv.ok()) << body;
  }
}

TEST(NocProviderTest, RepeatingCursorIsAnError) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(reply(200, R"({"items": [], "next_cursor": "same"})"));
  };
  EXPECT_FALSE(f.make()->inventory().ok());
}

TEST(NocProviderTest, ApplySubmitsPollsAndMapsResultsInBatchOrder) {
  Fixture f;
  int polls = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-1", "counts": {"valid": 2}})");
    if (++polls < 3) return reply(200, R"({"job_id": "j-1", "state": "running"})");
    return reply(200, kDoneJob);
  };
  auto p = f.make();
  auto r = p->apply(twoChanges());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].ip, "203.0.113.10");
  EXPECT_EQ((*r)[0].status, Status::kApplied);
  EXPECT_EQ((*r)[0].ptr, "mail.example.com.");
  EXPECT_EQ((*r)[1].ptr, "203-0-113-11.static.noc.test.");
  auto body = json::parse(f.posts()[0].body);
  EXPECT_EQ(body["entries"][0], (json{{"ip", "203.0.113.10"}, {"ptr", "mail.example.com"}}));
  EXPECT_EQ(body["entries"][1], (json{{"ip", "203.0.113.11"}, {"reset", true}}));
  EXPECT_EQ(polls, 3);
  // Polling backs off: 25, 50, 100 ms.
  EXPECT_EQ(f.time.sleeps, (std::vector<std::chrono::milliseconds>{25ms, 50ms, 100ms}));
  std::string key = header(f.posts()[0], "Idempotency-Key");
  EXPECT_EQ(f.journal->events,
            (std::vector<std::string>{"submit " + key, "job " + key + " j-1", "done " + key}));
}

TEST(NocProviderTest, RetriesReuseTheIdempotencyKeyAndHonourRetryAfter) {
  Fixture f;
  int posts = 0;
  f.handler = [&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") {
      ++posts;
      if (posts == 1) return reply(429, "", 7);
      if (posts == 2) return reply(503, "");
      if (posts == 3) return Error::transient("connection reset");
      return reply(202, R"({"job_id": "j-1"})");
    }
    return reply(200, kDoneJob);
  };
  auto p = f.make();
  auto r = p->apply(twoChanges());
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto sent = f.posts();
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& s : sent)
    EXPECT_EQ(header(s, "Idempotency-Key"), header(sent[0], "Idempotency-Key"));
  EXPECT_EQ(f.time.sleeps[0], 7000ms);                                  // Retry-After
  EXPECT_TRUE(f.time.sleeps[1] >= 100ms && f.time.sleeps[1] <= 200ms);  // jittered backoff
  // The next apply() is a new submission with a new key.
  posts = 3;
  ASSERT_TRUE(p->apply(twoChanges()).ok());
  EXPECT_NE(header(f.posts().back(), "Idempotency-Key"), header(sent[0], "Idempotency-Key"));
}

TEST(NocProviderTest, PersistentServerErrorsGiveUpTransiently) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(
        reply(500, R"({"error": {"code": "internal", "message": "boom"}})"));
  };
  auto r = f.make()->apply(twoChanges());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_THAT(r.error().message, HasSubstr("internal: boom"));
  EXPECT_EQ(f.posts().size(), 6u);
}

TEST(NocProviderTest, MissingResultIsFailedAndGarbageJobIsAnError) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-9"})");
    return reply(
        200,
        R"({"job_id": "j-9", "state": "failed", "results": [{"ip": "203.0.113.10", "status": "not_yours", "reason": "nope"}]})");
  };
  auto r = f.make()->apply(twoChanges());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].status, Status::kNotYours);
  EXPECT_EQ((*r)[1].status, Status::kFailed);
  EXPECT_THAT((*r)[1].reason, HasSubstr("j-9"));

  Fixture g;
  g.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-9"})");
    return reply(200, R"({"job_id": "j-9", "state": "done", "results": {"oops": 1}})");
  };
  EXPECT_FALSE(g.make()->apply(twoChanges()).ok());
}

TEST(NocProviderTest, JobTimeoutUsesTheInjectedClock) {
  Fixture f;
  f.handler = [](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-1"})");
    return reply(200, R"({"job_id": "j-1", "state": "queued"})");
  };
  auto r = f.make()->apply(twoChanges());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().isTransient());
  EXPECT_THAT(r.error().message, HasSubstr("still queued"));
  std::chrono::milliseconds total{0};
  for (auto s : f.time.sleeps) total += s;
  EXPECT_EQ(total, 60s);
}

TEST(NocProviderTest, OversizedBatchAndRejectedBatchArePermanent) {
  Fixture f;
  f.handler = [](const http::Request&) {
    return Result<http::Response>(
        reply(413, R"({"error": {"code": "batch_too_large", "message": "x"}})"));
  };
  auto p = f.make();
  std::vector<Change> big(501, twoChanges()[0]);
  auto r = p->apply(big);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().isTransient());
  EXPECT_TRUE(f.requests->empty());
  auto r2 = p->apply(twoChanges());
  ASSERT_FALSE(r2.ok());
  EXPECT_FALSE(r2.error().isTransient());
  EXPECT_THAT(r2.error().message, HasSubstr("batch_too_large"));
}

TEST(BackoffTest, GrowsExponentiallyWithJitterUpToTheCap) {
  double r = 0;
  http::Backoff b(100ms, 1000ms, [&] { return r; });
  EXPECT_EQ(b.next(), 50ms);  // r = 0: half of 100
  r = 0.999999;
  EXPECT_EQ(b.next(), 199ms);
  r = 0;
  EXPECT_EQ(b.next(), 200ms);
  for (int i = 0; i < 40; ++i) EXPECT_LE(b.next(), 1000ms);
  EXPECT_EQ(b.next(), 500ms);
}

}  // namespace
}  // namespace ptrd::providers::noc
