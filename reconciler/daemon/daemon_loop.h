// DaemonLoop: `ptrd run`'s control loop, level-based like a controller-runtime
// reconciler: every pass re-reads the whole picture (config, mapping files,
// provider inventory, DNS), plans, applies, verifies, and publishes the result
// as metrics and /status. Nothing is carried from pass to pass except the last
// GOOD config and desired state (a file that fails to load never means "nothing
// is desired"), the FCrDNS monitor's TTL schedule, and the backoff. Mapping files
// are parsed again only when they changed (mapping_cache.h); a changed, missing
// or unreadable file is read, and handled, exactly as on every pass.
//
// When passes run:
//   - the first at once; then every config `interval`, jittered by +-jitter;
//   - after a failed pass (config or provider unreadable, changes failed) after
//     a jittered exponential backoff instead (backoffBase doubling to backoffMax);
//   - at once when the config or a mapping file changes (polled every
//     watchPeriod, see file_watch.h) or requestPass() is called (SIGHUP).
//
// Time comes from the injected DaemonClock and randomness from RandomGenerator,
// so tests drive tick(now) by hand; run() is tick() plus an interruptible wait.
//
//   DaemonLoop loop(configPath, options, deps);
//   std::thread sig([&] { ...; signal.requestStop(); });   // SIGTERM
//   return loop.run();                                       // 0 after draining
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "core/backoff.h"
#include "reconciler/config/config.h"
#include "core/daemon_clock.h"
#include "reconciler/source/desired_state.h"
#include "reconciler/daemon/fcrdns_monitor.h"
#include "reconciler/daemon/file_watch.h"
#include "reconciler/daemon/mapping_cache.h"
#include "reconciler/daemon/memory_probe.h"
#include "reconciler/telemetry/logger.h"
#include "reconciler/telemetry/metrics.h"
#include "reconciler/apply/reconcile.h"
#include "reconciler/telemetry/status.h"

namespace ptrd {

// What a pass talks to, built from the config; rebuilt when the config or its
// secret file changes (so a rotated token is picked up without a restart).
struct PassConnections {
  std::shared_ptr<providers::Provider> provider;
  std::shared_ptr<Resolver> resolver;
};
using Connector = std::function<Result<PassConnections>(const ReconcilerConfig&)>;

struct DaemonOptions {
  double jitter = 0.1;  // interval scaled by [0.9, 1.1)
  std::chrono::milliseconds backoffBase{std::chrono::seconds(1)};
  std::chrono::milliseconds backoffMax{std::chrono::minutes(5)};
  std::chrono::milliseconds watchPeriod{std::chrono::seconds(1)};
  // Upper bound on waiting for applied changes to show in DNS within a pass;
  // also capped at half the interval. Later passes check the rest (propagating).
  std::chrono::milliseconds verifyDeadline{std::chrono::seconds(30)};
  bool once = false;  // one pass, then return (exit status says how it went)
  // Observe, plan, export metrics and /status, but never call the provider's
  // write operations (apply, resume of journaled jobs): an operator's first week.
  bool dryRun = false;
  // How long one pass may spend waiting on the provider (retries, Retry-After,
  // job polls, journaled jobs) in all; zero: the config's jobTimeout + 2 min,
  // the time /healthz already allows a pass before calling the loop wedged.
  std::chrono::milliseconds passDeadline{0};
};

class DaemonProviderWait;

struct DaemonDeps {
  DaemonClock& clock;
  RandomGenerator& random;
  Logger& log;
  DaemonMetrics& metrics;
  StatusBoard& status;
  WakeSignal& signal;  // stop (SIGTERM) and wake (SIGHUP)
  Connector connect;
  std::shared_ptr<providers::JobJournal> journal;  // null: no crash-safe jobs
  // The provider's waits (given to the Connector's provider); null: none bounded.
  std::shared_ptr<DaemonProviderWait> providerWait = nullptr;
};

class DaemonLoop {
 public:
  using TimePoint = Clock::TimePoint;
  DaemonLoop(std::string configPath, DaemonOptions options, DaemonDeps deps);

  // Does the loop want a pass at `now` (due, or a reload pending)?
  bool shouldRunNow(TimePoint now) const;
  // One turn at `now`: polls file fingerprints when due, runs a pass when due.
  // Returns when the next turn is wanted.
  TimePoint tick(TimePoint now);
  // Turns until a stop is requested (or one pass with options.once). Returns the
  // exit status: 0 after a clean shutdown; with once, 0 only if the pass succeeded.
  int run();
  // SIGHUP: a pass at the next turn, re-reading everything.
  void requestPass() { reloadPending_ = true; }

  // Introspection for tests and logs.
  const std::optional<ReconcilerConfig>& config() const { return config_; }
  const DesiredState& desired() const { return desired_; }
  TimePoint nextRunAt() const { return nextRun_; }
  uint64_t passes() const { return passes_; }
  unsigned consecutiveFailures() const { return failures_; }
  bool lastPassSucceeded() const { return lastOk_; }
  const FcrdnsMonitor& monitor() const { return monitor_; }
  // How many times the mapping files were read and parsed (an unchanged tree is not).
  uint64_t mappingLoads() const { return mappingLoads_; }

 private:
  bool reloadConfig(PassStatus& st);
  bool reloadMappings(PassStatus& st);
  // The pass itself; false (with st.error) when it failed.
  bool reconcile(PassStatus& st);
  // Finishes the journaled jobs `plan` still wants (journal_replay.h), drops the
  // rest; `resumed` says whether any ran (the plan is then stale). False (with
  // st.error) when a job cannot be read yet: nothing may be applied this pass.
  bool resumeJournaledJobs(providers::Provider& provider, const Plan& plan, PassStatus& st,
                           bool& resumed);
  void recordOutcomes(const ApplyReport& report);
  void logTransitions(const Plan& plan);
  void watchCurrentFiles();
  std::chrono::milliseconds interval() const;

  std::string configPath_;
  DaemonOptions options_;
  DaemonDeps deps_;
  JitteredExponentialBackOff backoff_;
  FileWatcher watcher_;
  FcrdnsMonitor monitor_;
  MemoryProbe probe_;  // per-phase peaks, only with PTRD_MEMORY_PROBE set

  std::optional<PassConnections> conns_;    // built from config_, see reconcile()
  std::vector<FileFingerprint> connKey_;    // what conns_ was built from
  std::optional<ReconcilerConfig> config_;  // last good
  FileFingerprint configPrint_;             // of the last good load, to log changes once
  DesiredState desired_;                    // last good (or the only one there is)
  bool haveGoodMappings_ = false;
  std::optional<MappingSnapshot> goodSnapshot_;  // the files desired_ was read from
  uint64_t mappingLoads_ = 0;
  std::map<std::string, RecordState> lastStates_;  // IPs not in sync, for transition logs

  TimePoint nextRun_{};
  TimePoint nextPoll_{};
  bool started_ = false;
  bool reloadPending_ = false;
  uint64_t passes_ = 0;
  unsigned failures_ = 0;
  bool lastOk_ = false;
};

}  // namespace ptrd
