// NocProvider::resume(): what a restarted daemon does with a journaled bulk job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "providers/noc/noc_provider.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::noc {
namespace {

using providers::testing::FakeClient;
using providers::testing::FakeTime;
using providers::testing::reply;
using namespace std::chrono_literals;

struct Journal : JobJournal {
  std::vector<std::string> events;
  void recordJob(const std::string& key, const std::string& id) override {
    events.push_back("job " + key + " " + id);
  }
  void done(const std::string& key) override { events.push_back("done " + key); }
};

const char* kDone = R"({"job_id": "j-7", "state": "done", "results": [
  {"ip": "203.0.113.10", "status": "applied", "ptr": "mail.example.com."}]})";
const char* kBody = R"({"entries":[{"ip":"203.0.113.10","ptr":"mail.example.com"}]})";

struct ResumeFixture {
  FakeTime time;
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  std::shared_ptr<std::vector<http::Request>> requests;

  std::unique_ptr<NocProvider> make(FakeClient::Handler h) {
    auto client = std::make_unique<FakeClient>(std::move(h));
    requests = client->requests;
    NocOptions o;
    o.url = "https://noc.test/api";
    o.token = "tok";
    o.jobTimeout = 60s;
    o.journal = journal;
    return std::make_unique<NocProvider>(o, std::move(client), time.env());
  }
};

TEST(NocResume, AKnownJobIsPolledNeverPostedAgain) {
  ResumeFixture f;
  int polls = 0;
  auto p = f.make([&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(500, "{}");
    EXPECT_THAT(r.url, ::testing::HasSubstr("/v1/jobs/j-7"));
    return ++polls < 2 ? reply(200, R"({"job_id": "j-7", "state": "queued"})") : reply(200, kDone);
  });
  auto r = p->resume(JournaledJob{"k-1", kBody, "j-7", {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].ip, "203.0.113.10");
  EXPECT_EQ((*r)[0].status, ChangeResult::Status::kApplied);
  for (const auto& req : *f.requests) EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(f.journal->events, std::vector<std::string>{"done k-1"});
}

TEST(NocResume, WithoutAJobIdThePostIsRepeatedUnderTheSameKeyAndBody) {
  ResumeFixture f;
  auto p = f.make([&](const http::Request& r) -> Result<http::Response> {
    if (r.method == "POST") return reply(202, R"({"job_id": "j-7", "counts": {"valid": 1}})");
    return reply(200, kDone);
  });
  auto r = p->resume(JournaledJob{"k-1", kBody, "", {}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(f.requests->empty());
  const auto& post = f.requests->front();
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.body, kBody);
  bool sameKey = false;
  for (const auto& [n, v] : post.headers) sameKey |= n == "Idempotency-Key" && v == "k-1";
  EXPECT_TRUE(sameKey);
  EXPECT_EQ(f.journal->events, (std::vector<std::string>{"job k-1 j-7", "done k-1"}));
}

TEST(NocResume, AJobThePortalNoLongerKnowsIsAPermanentError) {
  ResumeFixture f;
  auto p = f.make([](const http::Request&) -> Result<http::Response> {
    return reply(404, R"({"error": {"code": "not_found", "message": "no job j-7"}})");
  });
  auto r = p->resume(JournaledJob{"k-1", kBody, "j-7", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.error().isTransient());
  EXPECT_TRUE(f.journal->events.empty());  // the daemon decides to drop it
}

TEST(NocResume, JobsAreResumableOnlyWithinThePortalsIdempotencyWindow) {
  ResumeFixture f;
  auto p = f.make([](const http::Request&) -> Result<http::Response> { return reply(500, "{}"); });
  EXPECT_EQ(p->resumeWindow(), std::chrono::hours(24));
}

}  // namespace
}  // namespace ptrd::providers::noc
