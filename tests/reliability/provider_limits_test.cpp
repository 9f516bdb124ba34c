// Issue #10: the provider can neither hold ptrd forever nor fill its memory.
// A Retry-After past the request's deadline ends the request at once; an answer
// body past the bound stops its transfer; SIGTERM during a provider wait (a
// Retry-After, a job that never finishes) ends `ptrd run` promptly with exit 0
// and the job still in the state file. Real `ptrd` binary, noc-emulator, PowerDNS.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

using namespace std::chrono_literals;

class ProviderLimits : public ReliabilityLab {
 protected:
  void SetUp() override {
    ReliabilityLab::SetUp();
    startNoc();
    declare(fleet());
    before_ = snapshot();
  }
  // Polls the emulator's request log until `pred` holds for one entry.
  bool waitForRequest(const std::function<bool(const Json&)>& pred,
                      std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      for (const auto& r : noc_->requests())
        if (pred(r)) return true;
      std::this_thread::sleep_for(50ms);  // poll interval, not a wait for a condition
    }
    return false;
  }
  // `ptrd run` as a daemon; SIGTERM once `ready` shows in the emulator log; the
  // exit status and how long it took to exit after the signal.
  std::pair<std::optional<int>, std::chrono::milliseconds> runAndTerminate(
      const std::string& config, const std::function<bool(const Json&)>& ready) {
    lab::ChildProcess daemon(
        {PTRD_BINARY, "run", "-c", config, "--state-file", state(), "--shutdown-timeout", "30"},
        scratch_ + "/run.out", scratch_ + "/run.err");
    EXPECT_TRUE(waitForRequest(ready, 20s)) << lab::readFile(scratch_ + "/run.err");
    const auto sent = std::chrono::steady_clock::now();
    EXPECT_EQ(::kill(daemon.pid(), SIGTERM), 0);
    auto rc = daemon.waitFor(10s);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - sent);
    if (!rc) daemon.stop();
    return {rc, took};
  }
  std::string state() const { return scratch_ + "/state.json"; }
  std::string listen() const { return "127.0.0.1:" + std::to_string(lab::freePort()); }

  Snapshot before_;
};

TEST_F(ProviderLimits, ARetryAfterPastTheRequestDeadlineEndsTheRequestAtOnce) {
  const std::string config = writeConfig({.provider = "noc"});
  noc_->clearRequests();
  noc_->setFaults({{"rate_limit_every", 1}, {"rate_limit_burst", 1}, {"retry_after_s", 600}});
  PtrdRun r = ptrd({"apply", "-c", config, "-o", "json"}, 60s);
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("later than this request's deadline"), std::string::npos)
      << r.result.err;
  EXPECT_EQ(countRequests(noc_->requests(), "GET", "/v1/ips", 429), 1) << "no second try";
  EXPECT_LT(r.took, 10s);
  EXPECT_EQ(snapshot(), before_);
}

TEST_F(ProviderLimits, AnAnswerOverTheBodyBoundIsStoppedAndNamed) {
  const std::string config = writeConfig({.provider = "noc", .requestTimeout = "20s"});
  noc_->setFaults({{"huge_body_mb", 80}});
  PtrdRun r = ptrd({"apply", "-c", config, "-o", "json"}, 60s);
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("larger than 64 MiB"), std::string::npos) << r.result.err;
  EXPECT_EQ(countRequests(noc_->requests(), "GET", "/v1/ips"), 1) << "not read again";
  EXPECT_EQ(countRequests(noc_->requests(), "POST", "/v1/ptr/bulk"), 0);
  EXPECT_EQ(snapshot(), before_);
}

TEST_F(ProviderLimits, SigtermDuringARetryAfterWaitExitsPromptly) {
  const std::string config = writeConfig({.provider = "noc", .listen = listen()});
  noc_->clearRequests();
  // Every request: 429, Retry-After: 60 (inside the 2 min request deadline, so ptrd waits).
  noc_->setFaults({{"rate_limit_every", 1}, {"rate_limit_burst", 1}, {"retry_after_s", 60}});
  auto [rc, took] = runAndTerminate(config, [](const Json& q) { return q["status"] == 429; });
  ASSERT_TRUE(rc.has_value()) << "still running 10 s after SIGTERM\n"
                              << lab::readFile(scratch_ + "/run.err");
  EXPECT_EQ(*rc, 0) << lab::readFile(scratch_ + "/run.err");
  EXPECT_LT(took, 3s) << lab::readFile(scratch_ + "/run.err");
  EXPECT_EQ(snapshot(), before_);
}

TEST_F(ProviderLimits, SigtermDuringAJobPollExitsPromptlyAndKeepsTheJob) {
  const std::string config =
      writeConfig({.provider = "noc", .jobTimeout = "5m", .listen = listen()});
  noc_->clearRequests();
  noc_->setFaults({{"job_stuck", true}});
  auto [rc, took] = runAndTerminate(config, [](const Json& q) {
    return q["method"] == "GET" && q["path"].get<std::string>().rfind("/v1/jobs/", 0) == 0;
  });
  ASSERT_TRUE(rc.has_value()) << "still running 10 s after SIGTERM\n"
                              << lab::readFile(scratch_ + "/run.err");
  EXPECT_EQ(*rc, 0) << lab::readFile(scratch_ + "/run.err");
  EXPECT_LT(took, 3s) << lab::readFile(scratch_ + "/run.err");
  // The journal still holds the job, so the next process waits for it instead of
  // submitting the changes again.
  Json journal = Json::parse(lab::readFile(state()), nullptr, false);
  ASSERT_FALSE(journal.is_discarded()) << lab::readFile(state());
  ASSERT_EQ(journal["jobs"].size(), 1u) << journal.dump();
  EXPECT_FALSE(journal["jobs"][0].value("job_id", std::string()).empty()) << journal.dump();
  noc_->setFaults({{"job_stuck", false}});
}

}  // namespace
}  // namespace ptrd::reliability
