// Process faults: `ptrd apply` killed with SIGKILL at random points, and the
// daemon's state file on a full disk. After each, PowerDNS holds only values the
// plan asked for, and the next pass converges.
#include <signal.h>
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "tests/lab/free_port.h"

#include "tests/reliability/reliability_lab.h"

namespace ptrd::reliability {
namespace {

using std::chrono::milliseconds;

std::string altFor(int n) {
  return "alt-" + std::to_string(n) + ".example.com.";
}

class ProcessFaults : public ReliabilityLab {
 protected:
  // Waits (polling, with a deadline) until the portal has no queued or running
  // job, so a killed run's orphan job has landed before the zone is compared.
  void waitForJobsToSettle() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string body;
      ASSERT_EQ(noc_->getStatus("/admin/jobs", &body), 200);
      bool busy = false;
      for (const auto& j : Json::parse(body))
        busy |= j["state"] == "queued" || j["state"] == "running";
      if (!busy) return;
      std::this_thread::sleep_for(milliseconds(10));  // poll interval, not a wait for an outcome
    }
    FAIL() << "portal jobs still busy after 20 s";
  }
};

// 20 runs of `ptrd apply`, each switching hosts 3..8 between host-N and alt-N,
// each killed with SIGKILL after a delay drawn (seeded) from [0, one run's
// duration]. Right after the kill every address holds its old value or its new
// one -- nothing else, decoys untouched -- and a clean pass then converges.
TEST_F(ProcessFaults, KillNineAtRandomPointsNeverLeavesAnUnplannedValue) {
  startNoc();
  noc_->setFaults({{"job_delay_ms", 20}});
  std::vector<lab::PdnsRecord> alts;
  for (int n = 3; n <= 8; ++n) alts.push_back({altFor(n), "A", "203.0.113." + std::to_string(n)});
  pdns_->setRecords(kForwardZone, alts);
  const std::string config = writeConfig({.provider = "noc", .batchSize = 3});
  auto stateFor = [this](int i) {
    auto f = fleet();
    if (i % 2 == 1)
      for (int n = 3; n <= 8; ++n) f["203.0.113." + std::to_string(n)] = altFor(n);
    return f;
  };
  // Calibration: one whole run's duration bounds the kill delays.
  declare(stateFor(0));
  PtrdRun first = ptrd({"apply", "-c", config, "--verify-timeout", "5"});
  ASSERT_EQ(first.result.exit_code, 0) << first.result.out << first.result.err;
  const auto runTime = first.took;

  std::mt19937 rng(20261127);
  int killed = 0;
  for (int i = 1; i <= 20; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    const Snapshot before = snapshot();
    const auto desired = stateFor(i);
    declare(desired);
    milliseconds delay(std::uniform_int_distribution<int64_t>(0, runTime.count())(rng));
    lab::ChildProcess child({PTRD_BINARY, "apply", "-c", config, "--verify-timeout", "5"},
                            scratch_ + "/out", scratch_ + "/err");
    if (!child.waitFor(delay)) {  // returns early if the run finished first
      ::kill(child.pid(), SIGKILL);
      ASSERT_TRUE(child.waitFor(std::chrono::seconds(5)));
      ++killed;
    }
    waitForJobsToSettle();
    const Snapshot after = snapshot();
    for (int n = 1; n <= 10; ++n) {
      const std::string ip = "203.0.113." + std::to_string(n);
      auto was =
          before.count(reverseOf(ip)) ? before.at(reverseOf(ip)) : std::vector<std::string>{};
      auto now = after.count(reverseOf(ip)) ? after.at(reverseOf(ip)) : std::vector<std::string>{};
      if (n >= 9) {
        EXPECT_EQ(now, was) << ip << ": undeclared, never touched";
      } else if (now != was) {
        EXPECT_EQ(now, std::vector<std::string>{desired.at(ip)}) << ip << ": neither old nor new";
      }
    }
    PtrdRun recover = ptrd({"apply", "-c", config, "--verify-timeout", "5"});
    ASSERT_EQ(recover.result.exit_code, 0) << recover.result.out << recover.result.err;
    for (const auto& [ip, host] : desired) EXPECT_EQ(ptrOf(ip), host) << ip;
  }
  EXPECT_GE(killed, 10) << "most runs must actually be killed mid-way (run time " << runTime.count()
                        << " ms)";
  RecordProperty("killed", killed);
  std::cout << killed << " of 20 runs killed mid-way (one run: " << runTime.count() << " ms)\n";
}

// The daemon's job journal on a full disk: the write fails, the daemon says so
// in its log, applies anyway (the portal's idempotency still covers this
// process), and the journal that was there stays intact. Needs root for a
// private mount namespace with a tiny tmpfs.
TEST_F(ProcessFaults, StateFileOnAFullDiskIsLoggedAndThePassStillConverges) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for unshare -m + tmpfs";
  auto probe = lab::runCommand({"unshare", "-m", "true"}, scratch_, std::chrono::seconds(5));
  if (probe.exit_code != 0) GTEST_SKIP() << "unshare -m not permitted here: " << probe.err;
  startNoc();
  declare(fleet());
  const std::string config =
      writeConfig({.provider = "noc", .listen = "127.0.0.1:" + std::to_string(lab::freePort())});
  const std::string state = scratch_ + "/state";
  std::filesystem::create_directories(state);
  // Inside a private mount namespace: a 64 KiB tmpfs, a valid journal, then
  // filled to the last byte; the daemon runs one pass there.
  const std::string script = "set -e; mount -t tmpfs -o size=64k tmpfs '" + state +
                             "'; "
                             "printf '{\"version\": 1, \"jobs\": []}' > '" +
                             state +
                             "/state.json'; "
                             "dd if=/dev/zero of='" +
                             state +
                             "/filler' bs=4k 2>/dev/null || true; "
                             "rc=0; '" PTRD_BINARY "' run --once -c '" +
                             config + "' --state-file '" + state +
                             "/state.json' --log-format json || rc=$?; "
                             "echo journal-after: $(cat '" +
                             state + "/state.json'); echo daemon-exit: $rc";
  auto r =
      lab::runCommand({"unshare", "-m", "sh", "-c", script}, scratch_, std::chrono::seconds(60));
  EXPECT_NE(r.err.find("cannot write the state file"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("journal-after: {\"version\": 1, \"jobs\": []}"), std::string::npos)
      << "the old journal survives a failed write\n"
      << r.out << r.err;
  for (const auto& [ip, host] : fleet())
    EXPECT_EQ(ptrOf(ip), host) << ip << " applied despite the full disk";
  EXPECT_NE(r.out.find("daemon-exit: 0"), std::string::npos) << "--once after a good pass exits 0\n"
                                                             << r.out << r.err;
}

}  // namespace
}  // namespace ptrd::reliability
