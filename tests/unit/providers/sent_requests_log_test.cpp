// The rate a provider keeps must hold across its limiters: the daemon's next
// pass and the next process (restart, crash loop, a CI job running `ptrd
// apply` every minute) count what the previous one sent.
#include "providers/http/sent_requests_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "providers/http/paced_calls.h"
#include "tests/unit/providers/fake_http_client.h"

namespace ptrd::providers::http {
namespace {

using namespace std::chrono_literals;
using providers::testing::FakeTime;

class SentRequestsLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ptrd-sent-log-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/requests.json";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The wall clock moves with the fake steady one: both are the test's time.
  SentRequestsLog::WallClock wall() {
    return [this] {
      return std::chrono::system_clock::time_point(1'764'450'000'000ms) +
             std::chrono::duration_cast<std::chrono::milliseconds>(time_.now.time_since_epoch());
    };
  }
  // Sends up to `n` through a fresh limiter (a new pass or process) with `log`;
  // returns how long after the call each one went.
  std::vector<std::chrono::milliseconds> send(int n, std::shared_ptr<SentRequestsLog> log) {
    auto env = time_.env();
    const auto start = time_.now;
    RateLimiter limiter({{3, 60s}}, 120s, {std::move(log), "rdns"});
    std::vector<std::chrono::milliseconds> at;
    for (int i = 0; i < n && limiter.acquire(env, "POST /rdns/x").ok(); ++i)
      at.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(time_.now - start));
    return at;
  }

  FakeTime time_;
  std::string dir_, path_;
};

TEST_F(SentRequestsLogTest, ANewProcessCountsWhatThePreviousOneSentFromTheStateFile) {
  auto first = send(3, std::make_shared<SentRequestsLog>(path_, wall()));
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first.back(), 0ms);  // three fit the window at once
  time_.now += 10s;              // the process ends; another starts 10 s later

  auto second = send(1, std::make_shared<SentRequestsLog>(path_, wall()));
  ASSERT_EQ(second.size(), 1u);
  // The window of 60 s still holds the first process's three: the fourth waits
  // the 50 s left of it, where a limiter without the file would send at once.
  EXPECT_EQ(second[0], 50s);

  std::filesystem::remove(path_);
  auto control = send(1, std::make_shared<SentRequestsLog>(path_, wall()));
  EXPECT_EQ(control[0], 0ms);
}

TEST_F(SentRequestsLogTest, WithoutAFileTheLogStillCarriesTheRateToTheNextPass) {
  auto log = std::make_shared<SentRequestsLog>("", wall());
  ASSERT_EQ(send(3, log).size(), 3u);
  time_.now += 59s;
  auto next = send(1, log);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0], 1s);
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_EQ(SentRequestsLog::shared("robot x", ""), SentRequestsLog::shared("robot x", ""));
  EXPECT_NE(SentRequestsLog::shared("robot x", ""), SentRequestsLog::shared("robot y", ""));
}

TEST_F(SentRequestsLogTest, HostileOrBrokenStateFilesAreIgnoredNeverTrusted) {
  for (const std::string& text :
       {std::string("not json"), std::string(R"({"kind":"hetzner-cloud-rate-budget"})"),
        std::string(R"({"kind":"ptrd-sent-requests","sent":{"rdns":[-5]}})"),
        std::string(R"({"kind":"ptrd-sent-requests","sent":{"rdns":"x"}})")}) {
    std::ofstream(path_) << text;
    SentRequestsLog log(path_, wall());
    EXPECT_TRUE(log.sent("rdns").empty()) << text;
  }
  // Over the size bound: not read into memory at all.
  {
    std::ofstream out(path_);
    out << std::string(SentRequestsLog::kMaxFileBytes + 1, ' ');
  }
  EXPECT_TRUE(SentRequestsLog(path_, wall()).sent("rdns").empty());
  // A FIFO planted in its place is not waited on.
  std::filesystem::remove(path_);
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  EXPECT_TRUE(SentRequestsLog(path_, wall()).sent("rdns").empty());
}

TEST_F(SentRequestsLogTest, ATimeFromAClockThatWasAheadCountsAsNowNotAsAFutureBlock) {
  const int64_t now = SentRequestsLog("", wall()).nowMs();
  std::ofstream(path_) << R"({"kind":"ptrd-sent-requests","sent":{"rdns":[)" << now + 86'400'000
                       << "," << now - 30'000 << "]}}";
  SentRequestsLog log(path_, wall());
  EXPECT_EQ(log.sent("rdns"), (std::vector<int64_t>{now - 30'000, now}));
  // Two of three places taken: one more goes at once, the next waits for the
  // one sent 30 s ago to leave the minute -- not for a day.
  auto at = send(2, std::make_shared<SentRequestsLog>(path_, wall()));
  ASSERT_EQ(at.size(), 2u);
  EXPECT_EQ(at[0], 0ms);
  EXPECT_EQ(at[1], 30s);
}

}  // namespace
}  // namespace ptrd::providers::http
