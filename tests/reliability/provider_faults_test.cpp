// Provider faults: the noc-emulator misbehaving (5xx bursts, 429 storms, hangs,
// truncated and garbage answers, half-failed and never-finishing jobs), and the
// provider endpoint refusing or swallowing connections. Every case runs the real
// `ptrd apply`, then checks exit status and message, that PowerDNS changed only
// as the fault-free plan says, and that the next pass converges.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "tests/lab/free_port.h"
#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

class ProviderFaults : public ReliabilityLab {
 protected:
  // noc provider, fleet declared, the fault-free plan recorded. Under sync the
  // decoys are declared as they are, so the plan resets nothing: any reset a
  // fault caused would show as a change outside the plan.
  std::string setUpNoc(ConfigOptions o = {}) {
    startNoc();
    auto records = fleet();
    if (o.policy == "sync")
      records["203.0.113.9"] = "stray-9.example.org.",
      records["203.0.113.10"] = "stray-10.example.org.";
    declare(records);
    o.provider = "noc";
    config_ = writeConfig(o);
    planned_ = plannedChanges(config_);
    EXPECT_EQ(planned_.size(), 6u) << "3..8 need a set";
    before_ = snapshot();
    noc_->clearRequests();
    return config_;
  }
  PtrdRun apply() { return ptrd({"apply", "-c", config_, "-o", "json", "--verify-timeout", "5"}); }
  void expectNoChangeOutsideThePlan() { expectOnlyPlannedChanges(before_, snapshot(), planned_); }
  // One job per idempotency key: a retried submission never queued a second job.
  void expectNoDuplicateJobs() {
    Json log = noc_->requests();
    std::set<std::string> keys;
    for (const auto& r : log)
      if (r["method"] == "POST" && r["path"] == "/v1/ptr/bulk")
        keys.insert(r["idempotency_key"].get<std::string>());
    std::string body;
    ASSERT_EQ(noc_->getStatus("/admin/jobs", &body), 200);
    EXPECT_EQ(Json::parse(body).size(), keys.size()) << "jobs created vs distinct idempotency keys";
  }

  std::string config_;
  std::map<std::string, std::string> planned_;
  Snapshot before_;
};

TEST_F(ProviderFaults, Every5xxFailsThePassBeforeAnyChange) {
  setUpNoc();
  noc_->setFaults({{"error_rate", 1.0}, {"seed", 7}});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("HTTP 503"), std::string::npos) << r.result.err;
  Json log = noc_->requests();
  EXPECT_EQ(countRequests(log, "GET", "/v1/ips", 503), 6)
      << "the inventory read is retried, then given up";
  EXPECT_EQ(countRequests(log, "POST", "/v1/ptr/bulk"), 0) << "no inventory, no change";
  EXPECT_EQ(snapshot(), before_);
  noc_->setFaults({{"error_rate", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, A5xxBurstIsRetriedWithoutDuplicateJobs) {
  setUpNoc({.batchSize = 2});  // 3 jobs: more requests for the burst to hit
  noc_->setFaults({{"error_rate", 0.4}, {"seed", 11}});
  PtrdRun r = apply();
  EXPECT_NE(r.result.exit_code, 1) << r.result.out << r.result.err;
  Json log = noc_->requests();
  EXPECT_GT(countRequests(log, "GET", "/", 503) + countRequests(log, "POST", "/", 503), 0)
      << "the fault fired";
  expectNoChangeOutsideThePlan();
  expectNoDuplicateJobs();
  noc_->setFaults({{"error_rate", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, A429StormIsWaitedOutAsRetryAfterSays) {
  setUpNoc();
  // The first 3 of every 6 requests get 429 with Retry-After: 1.
  noc_->setFaults(
      {{"rate_limit_every", 6}, {"rate_limit_burst", 3}, {"retry_after_s", 1}, {"seed", 1}});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 0) << "429s are waited out, not failures\n"
                                   << r.result.out << r.result.err;
  Json log = noc_->requests();
  ASSERT_GE(countRequests(log, "GET", "/v1/ips", 429), 3);
  // The emulator stamps each request: the retry after a 429 came >= 1 s later.
  for (size_t i = 0; i + 1 < log.size(); ++i) {
    if (log[i]["status"] == 429) {
      EXPECT_GE(log[i + 1]["t_ms"].get<int64_t>() - log[i]["t_ms"].get<int64_t>(), 950)
          << "request " << i;
    }
  }
  EXPECT_GE(r.took, std::chrono::milliseconds(3000));
  expectNoChangeOutsideThePlan();
  expectNoDuplicateJobs();
  noc_->setFaults({{"rate_limit_every", 0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, ConnectionRefusedIsAnErrorNotAnEmptyAccount) {
  setUpNoc({.policy = "sync"});
  const std::string closed =
      "http://127.0.0.1:" + std::to_string(lab::freePort());  // nothing listens
  config_ = writeConfig({.provider = "noc", .url = closed, .policy = "sync"});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("reading the noc inventory"), std::string::npos) << r.result.err;
  EXPECT_NE(r.result.err.find("GET /v1/ips"), std::string::npos)
      << "names the call, not the token" << r.result.err;
  EXPECT_EQ(snapshot(), before_);
  config_ = writeConfig({.provider = "noc", .policy = "sync"});
  expectConverges(config_);
}

TEST_F(ProviderFaults, HangsTimeOutAndAreRetried) {
  setUpNoc({.requestTimeout = "300ms"});
  noc_->setFaults({{"hang_rate", 1.0}, {"hang_ms", 2000}});
  PtrdRun hung = apply();
  EXPECT_EQ(hung.result.exit_code, 1) << hung.result.out << hung.result.err;
  EXPECT_NE(hung.result.err.find("timed out"), std::string::npos) << hung.result.err;
  EXPECT_LT(hung.took, std::chrono::seconds(20)) << "bounded by requestTimeout x attempts";
  EXPECT_EQ(snapshot(), before_);
  // Some hangs: the retries absorb them.
  noc_->setFaults({{"hang_rate", 0.25}, {"seed", 5}});
  PtrdRun some = apply();
  EXPECT_NE(some.result.exit_code, 1) << some.result.out << some.result.err;
  expectNoChangeOutsideThePlan();
  expectNoDuplicateJobs();
  noc_->setFaults({{"hang_rate", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, TruncatedAnswersAreRetriedLikeLostOnes) {
  setUpNoc({.batchSize = 2});
  noc_->setFaults({{"truncate_rate", 0.4}, {"seed", 3}});
  PtrdRun r = apply();
  EXPECT_NE(r.result.exit_code, 1) << r.result.out << r.result.err;
  int truncated = 0;
  for (const auto& q : noc_->requests()) truncated += q["fault"] == "truncate";
  EXPECT_GT(truncated, 0) << "the fault fired";
  expectNoChangeOutsideThePlan();
  expectNoDuplicateJobs();
  noc_->setFaults({{"truncate_rate", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, GarbageJsonIsAnErrorNeverAnEmptyList) {
  setUpNoc({.policy = "sync"});
  noc_->setFaults({{"garbage_rate", 1.0}});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("malformed"), std::string::npos) << r.result.err;
  EXPECT_EQ(countRequests(noc_->requests(), "POST", "/v1/ptr/bulk"), 0);
  EXPECT_EQ(snapshot(), before_);
  // Garbage on some answers (seed 5: the bulk submit's): that batch fails this
  // pass although the portal queued it; the job still runs, as planned.
  noc_->clearRequests();
  noc_->setFaults({{"garbage_rate", 0.3}, {"seed", 5}});
  PtrdRun some = apply();
  int spoilt = 0;
  for (const auto& q : noc_->requests()) spoilt += q["fault"] == "garbage";
  ASSERT_GT(spoilt, 0) << "the fault fired";
  EXPECT_NE(some.result.exit_code, 0) << "a spoilt answer is never taken for success";
  Json log = noc_->requests();
  ASSERT_EQ(countRequests(log, "POST", "/v1/ptr/bulk"), 1);
  for (const auto& q : log) {
    if (q["method"] == "POST") {
      EXPECT_EQ(q["fault"], "garbage") << "seed 5 spoils the submit's answer";
    }
  }
  EXPECT_EQ(some.result.exit_code, 2) << some.result.out << some.result.err;
  ASSERT_FALSE(some.doc.is_null());
  EXPECT_EQ(some.doc["result"]["failed"], 6)
      << "the batch's fate is unknown: counted failed, re-planned next pass";
  expectNoChangeOutsideThePlan();
  noc_->setFaults({{"garbage_rate", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, AJobThatFailsHalfItsEntriesIsReportedPerAddress) {
  setUpNoc();
  noc_->setFaults({{"job_fail_share", 0.5}});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << r.result.out;
  EXPECT_EQ(r.doc["result"]["failed"], 3);
  EXPECT_EQ(r.doc["result"]["applied"], 3);
  int injected = 0;
  for (const auto& c : r.doc["changes"]) {
    if (c["result"] == "failed") {
      ++injected;
      EXPECT_NE(c["reason"].get<std::string>().find("injected"), std::string::npos) << c.dump();
      EXPECT_NE(ptrOf(c["ip"].get<std::string>()), c["to"].get<std::string>())
          << "failed: not applied";
    }
  }
  EXPECT_EQ(injected, 3);
  expectNoChangeOutsideThePlan();
  noc_->setFaults({{"job_fail_share", 0.0}});
  expectConverges(config_);
}

TEST_F(ProviderFaults, AJobThatNeverFinishesTimesOutAndIsNotDoubled) {
  setUpNoc({.jobTimeout = "1s"});
  noc_->setFaults({{"job_stuck", true}});
  PtrdRun r = apply();
  EXPECT_EQ(r.result.exit_code, 2) << r.result.out << r.result.err;
  ASSERT_FALSE(r.doc.is_null()) << r.result.out;
  EXPECT_EQ(r.doc["result"]["failed"], 6);
  EXPECT_NE(r.doc["changes"][0]["reason"].get<std::string>().find("still running"),
            std::string::npos)
      << r.doc["changes"][0].dump();
  EXPECT_EQ(snapshot(), before_) << "the job never ran";
  // The portal un-sticks: the old job runs, then the next pass finds little or
  // nothing left to do.
  noc_->setFaults({{"job_stuck", false}});
  expectConverges(config_);
  expectOnlyPlannedChanges(before_, snapshot(), planned_);
}

// The PowerDNS provider has no retry layer of its own (its API is local to the
// operator): refused and hung connections must still be errors, not empty zones.
TEST_F(ProviderFaults, PowerDnsApiRefusedOrHungIsAnError) {
  declare(fleet());
  std::string good = writeConfig({.policy = "sync"});
  auto planned = plannedChanges(good);
  Snapshot before = snapshot();

  std::string refused =
      writeConfig({.url = "http://127.0.0.1:" + std::to_string(lab::freePort()), .policy = "sync"});
  PtrdRun r = ptrd({"apply", "-c", refused});
  EXPECT_EQ(r.result.exit_code, 1) << r.result.out << r.result.err;
  EXPECT_NE(r.result.err.find("reading the powerdns inventory"), std::string::npos) << r.result.err;

  // A socket that listens but never accepts: the kernel completes the TCP
  // handshake, then nothing is ever answered.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sa);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), len), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  std::string hung = writeConfig({.url = "http://127.0.0.1:" + std::to_string(ntohs(sa.sin_port)),
                                  .policy = "sync",
                                  .requestTimeout = "500ms"});
  PtrdRun h = ptrd({"apply", "-c", hung});
  close(fd);
  EXPECT_EQ(h.result.exit_code, 1) << h.result.out << h.result.err;
  EXPECT_NE(h.result.err.find("timed out"), std::string::npos) << h.result.err;
  EXPECT_LT(h.took, std::chrono::seconds(10));
  EXPECT_EQ(snapshot(), before);

  writeConfig({.policy = "sync"});
  expectConverges(good);
  expectOnlyPlannedChanges(before, snapshot(), planned);
}

}  // namespace
}  // namespace ptrd::reliability
