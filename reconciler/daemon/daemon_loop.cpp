#include "reconciler/daemon/daemon_loop.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "reconciler/daemon/drain.h"
#include "reconciler/source/mapping_loader.h"

namespace ptrd {
namespace {

double seconds(Clock::TimePoint a, Clock::TimePoint b) {
  return std::chrono::duration<double>(b - a).count();
}

double unixSeconds(DaemonClock::WallTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A pass's inventory and plan are gone once it ends, but glibc keeps most of the
// freed pages (its top-of-heap trim misses memory below live blocks): hand them
// back, so that between passes the process holds what it keeps, not its peak.
void releaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

DaemonLoop::DaemonLoop(std::string configPath, DaemonOptions options, DaemonDeps deps)
    : configPath_(std::move(configPath)),
      options_(options),
      deps_(std::move(deps)),
      backoff_(options_.backoffBase, options_.backoffMax, deps_.random) {}

std::chrono::milliseconds DaemonLoop::interval() const {
  return config_ ? config_->interval : std::chrono::milliseconds(std::chrono::minutes(5));
}

bool DaemonLoop::shouldRunNow(TimePoint now) const {
  return !started_ || reloadPending_ || now >= nextRun_;
}

DaemonLoop::TimePoint DaemonLoop::tick(TimePoint now) {
  deps_.status.heartbeat(now);
  if (started_ && now >= nextPoll_) {
    if (watcher_.changed()) {
      deps_.log.info("files changed; reconciling now", {{"config", configPath_}});
      reloadPending_ = true;
    }
    nextPoll_ = now + options_.watchPeriod;
  }
  if (shouldRunNow(now) && !deps_.signal.stopRequested()) {
    started_ = true;
    reloadPending_ = false;
    const TimePoint begin = deps_.clock.now();
    PassStatus st;
    const bool ok = reconcile(st);
    probe_.mark(deps_.log, "pass end");
    releaseFreedMemory();
    probe_.mark(deps_.log, "trim");
    const TimePoint end = deps_.clock.now();
    ++passes_;
    lastOk_ = ok;
    st.result = ok ? "success" : "error";
    st.durationSeconds = seconds(begin, end);
    st.finishedUnix = unixSeconds(deps_.clock.wallNow());
    deps_.metrics.passFinished(ok, st.durationSeconds, st.finishedUnix);
    deps_.status.publish(st);
    if (ok) {
      failures_ = 0;
      backoff_.reset();
      nextRun_ = end + jittered(interval(), options_.jitter, deps_.random);
    } else {
      ++failures_;
      const auto wait = backoff_.next();
      nextRun_ = end + wait;
      deps_.log.warn("pass failed; retrying after backoff",
                     {{"error", st.error}, {"retry_in_ms", wait.count()}, {"failures", failures_}});
    }
    nextPoll_ = end + options_.watchPeriod;
    deps_.status.heartbeat(end);
  }
  return std::min(nextRun_, nextPoll_);
}

int DaemonLoop::run() {
  while (!deps_.signal.stopRequested()) {
    const TimePoint next = tick(deps_.clock.now());
    if (options_.once && passes_ > 0) break;
    if (deps_.signal.stopRequested()) break;
    if (deps_.clock.waitUntil(next, deps_.signal, /*wakeToo=*/true) && deps_.signal.takeWake()) {
      deps_.log.info("reload requested; reconciling now");
      reloadPending_ = true;
    }
  }
  deps_.log.info("stopped", {{"passes", passes_}});
  if (options_.once) return lastOk_ ? 0 : 1;
  return 0;
}

void DaemonLoop::watchCurrentFiles() {
  std::vector<std::string> paths{configPath_}, secrets;
  if (config_) {
    paths.insert(paths.end(), config_->mappings.begin(), config_->mappings.end());
    for (const auto& f : {config_->provider.apiKeyFile, config_->provider.caFile})
      if (!f.empty()) secrets.push_back(f);
  }
  watcher_.setPaths(std::move(paths), std::move(secrets));
}

bool DaemonLoop::reloadConfig(PassStatus& st) {
  const FileFingerprint print = fingerprintOf(configPath_);
  auto loaded = loadConfig(configPath_);
  if (!loaded) {
    for (auto& l : lines(loaded.error().message)) {
      deps_.log.error(
          config_ ? "config failed to load; keeping the last good config" : "config failed to load",
          {{"error", l}});
      st.reloadErrors.push_back(std::move(l));
    }
    return false;
  }
  if (!config_ || !(print == configPrint_))
    deps_.log.info("config loaded",
                   {{"config", configPath_},
                    {"provider", loaded->provider.type},
                    {"interval", std::to_string(loaded->interval.count()) + "ms"}});
  if (config_ && config_->listen != loaded->listen)
    deps_.log.warn("listen changed; it takes effect after a restart", {{"listen", loaded->listen}});
  configPrint_ = print;
  config_ = std::move(*loaded);
  deps_.status.setConfigLoaded(configPath_);
  // Healthy while the loop makes progress; a pass may legitimately wait for a slow bulk job.
  deps_.status.setWedgeAfter(
      std::max({3 * config_->interval, config_->provider.jobTimeout + std::chrono::minutes(2),
                std::chrono::milliseconds(std::chrono::minutes(5))}));
  monitor_.setOptions(MonitorOptions{config_->dnsQueriesPerSecond});
  return true;
}

bool DaemonLoop::reloadMappings(PassStatus& st) {
  // Taken before reading, so an edit made during the read is seen by the next pass.
  std::optional<MappingSnapshot> snapshot = MappingSnapshot::take(config_->mappings);
  if (haveGoodMappings_ && snapshot && snapshot == goodSnapshot_) return true;
  ++mappingLoads_;
  DesiredState loaded = loadMappings(config_->mappings);
  if (loaded.complete()) {
    desired_ = std::move(loaded);
    haveGoodMappings_ = true;
    goodSnapshot_ = std::move(snapshot);
    return true;
  }
  for (const auto& e : loaded.fileErrors) {
    deps_.log.error(haveGoodMappings_
                        ? "mapping file failed to load; keeping the last good desired state"
                        : "mapping file failed to load; its records are left alone",
                    {{"file", e.where.file}, {"error", e.str()}});
    st.reloadErrors.push_back(e.str());
  }
  // With no good copy yet the incomplete state is the safe one: the broken file
  // contributes nothing and the planner holds sync resets back.
  if (!haveGoodMappings_) desired_ = std::move(loaded);
  return false;
}

bool DaemonLoop::reconcile(PassStatus& st) {
  const TimePoint begin = deps_.clock.now();
  probe_.mark(deps_.log, "between passes");
  // Fingerprint before reading, so an edit made while we read is seen next turn.
  watchCurrentFiles();
  const bool configOk = reloadConfig(st);
  if (!config_) {
    deps_.metrics.setReloadSuccessful(false);
    st.reloadSuccessful = false;
    st.error = "no valid config loaded yet";
    return false;
  }
  watchCurrentFiles();  // the config may name other mapping paths now
  st.provider = config_->provider.type;
  if (deps_.providerWait) {
    const auto budget = options_.passDeadline.count() > 0
                            ? options_.passDeadline
                            : config_->provider.jobTimeout + std::chrono::minutes(2);
    deps_.providerWait->startPass(deps_.clock.now() + budget);
  }
  const bool mappingsOk = reloadMappings(st);
  probe_.mark(deps_.log, "config and mappings");
  st.reloadSuccessful = configOk && mappingsOk;
  deps_.metrics.setReloadSuccessful(st.reloadSuccessful);

  // Reconnect when the config or a secret file changed (a rotated token is
  // picked up without a restart); otherwise keep the clients and their state.
  std::vector<FileFingerprint> connKey{configPrint_, fingerprintOf(config_->provider.apiKeyFile),
                                       fingerprintOf(config_->provider.caFile)};
  if (!conns_ || connKey != connKey_) {
    auto conns = deps_.connect(*config_);
    if (!conns) {
      conns_.reset();
      st.error = conns.error().message;
      return false;
    }
    conns_ = std::move(*conns);
    connKey_ = std::move(connKey);
  }
  probe_.mark(deps_.log, "connect");
  providers::Provider& provider = *conns_->provider;
  Resolver& resolver = *conns_->resolver;
  // in_sync addresses are counted, not listed: metrics and /status need only the
  // counts (per source too) and the entries that are not in sync.
  PlanOptions planOptions = config_->planOptions();
  planOptions.inSyncEntries = false;
  ObserveTimings observed;
  const TimePoint loaded = deps_.clock.now();
  auto plan = observeAndPlan(desired_, provider, resolver, planOptions, &observed);
  if (!plan) {
    st.error = plan.error().message;
    return false;
  }
  probe_.mark(deps_.log, "observe and plan");
  // Journaled jobs of a previous process run after planning, and only those the
  // plan still wants: a stale journal never bypasses the gate, policy or cap.
  // A dry run calls no write operation, so it resumes nothing either.
  bool resumed = false;
  if (!options_.dryRun && !resumeJournaledJobs(provider, *plan, st, resumed)) return false;
  if (resumed) {  // their changes are in the inventory now: plan again from it
    plan = observeAndPlan(desired_, provider, resolver, planOptions, &observed);
    if (!plan) {
      st.error = plan.error().message;
      return false;
    }
  }
  DrainingProvider draining(provider, deps_.signal);
  DrainingClock clock(deps_.clock, deps_.signal);
  VerifyOptions verify;
  verify.deadline =
      std::min(options_.verifyDeadline, std::max(std::chrono::milliseconds(1000), interval() / 2));
  const TimePoint planned = deps_.clock.now();
  ApplyReport report;
  if (options_.dryRun) {
    report.plan = std::move(*plan);  // what would be sent; nothing is
  } else {
    report = applyPlan(*plan, draining, resolver, clock, verify);
  }
  if (report.capRefused)
    deps_.log.warn("safety cap: no change sent", {{"reason", report.plan.capMessage}});
  recordOutcomes(report);
  logTransitions(report.plan);

  const TimePoint applied = deps_.clock.now();
  probe_.mark(deps_.log, "apply");
  // The declared addresses, not a copy of them (a million: ~17 MB at the peak).
  const FcrdnsMonitor::IpWalk watched = [this](const std::function<void(const IpAddress&)>& f) {
    for (const auto& r : desired_.records)
      if (!r.reset) f(r.ip);
  };
  if (!deps_.signal.stopRequested())
    monitor_.refreshEach(watched, resolver, deps_.clock.now(), interval());
  st.mismatches = monitor_.mismatches();
  st.fcrdnsObserved = monitor_.observed();
  const TimePoint monitored = deps_.clock.now();
  probe_.mark(deps_.log, "monitor");
  deps_.metrics.setFcrdnsMismatch(st.mismatches.size());
  deps_.metrics.setRecordStates(report.plan.summary);
  deps_.metrics.setSourceStates(countBySource(report.plan, desired_));
  st.summary = report.plan.summary;
  st.planned = true;
  if (report.plan.capExceeded && !report.plan.capOverridden) st.capHeld = report.plan.capMessage;
  st.warnings = report.plan.warnings;
  for (const auto& e : report.plan.entries) {
    if (e.state != RecordState::kInSync) st.notInSync.push_back(e);
  }
  if (deps_.journal) st.pendingJobs = deps_.journal->pending().size();
  deps_.metrics.setPendingJobs(st.pendingJobs);

  uint64_t failed = 0;
  for (const auto& o : report.outcomes)
    failed += o.status == ChangeOutcome::Status::kFailed && o.reason != kDrainReason;
  if (failed > 0) {
    st.error = fmt::format("{} change(s) failed", failed);
    return false;
  }
  // Where the pass's time went; listing_seconds is the provider's own share.
  deps_.log.info("pass done", {{"summary", report.summaryLine()},
                               {"in_sync", report.plan.summary[RecordState::kInSync]},
                               {"fcrdns_mismatch", st.mismatches.size()},
                               {"load_seconds", seconds(begin, loaded)},
                               {"listing_seconds", observed.listing},
                               {"compact_seconds", observed.compacting},
                               {"forward_dns_seconds", observed.forwardDns},
                               {"plan_seconds", observed.planning},
                               {"observe_seconds", seconds(loaded, planned)},
                               {"apply_seconds", seconds(planned, applied)},
                               {"monitor_seconds", seconds(applied, monitored)}});
  return true;
}

}  // namespace ptrd
