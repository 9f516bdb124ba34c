// StatusBoard: what the daemon's HTTP endpoints report, shared between the loop
// (writer) and the HTTP thread (reader) under one mutex.
//
//   /status   JSON of the last pass: counts per state, every IP not in sync with
//             its reason, FCrDNS mismatches, reload errors. Never a secret: it
//             holds IPs, names, file:line and provider messages only.
//   /healthz  the loop is alive: it made progress (a loop turn, a provider request,
//             a DNS query) within `wedgeAfter`
//   /readyz   a config is loaded and one pass has completed successfully
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "reconciler/dns/fcrdns.h"
#include "reconciler/plan/plan.h"
#include "reconciler/telemetry/status_view.h"

namespace ptrd {

struct PassStatus {
  std::string result;       // "success" | "error"
  std::string error;        // why the pass failed
  double finishedUnix = 0;  // wall time
  double durationSeconds = 0;
  PlanSummary summary;
  std::vector<PlanEntry> notInSync;             // every entry whose state is not in_sync
  std::vector<fcrdns::Observation> mismatches;  // live PTR name does not resolve back
  uint64_t fcrdnsObserved = 0;                  // IPs with a current FCrDNS observation
  bool reloadSuccessful = true;
  std::vector<std::string> reloadErrors;  // file:line:col: reason
  uint64_t pendingJobs = 0;               // journaled provider jobs not yet resumed
  // For the status page (status_view.h):
  bool planned = false;               // the pass got as far as a plan
  std::string provider;               // the config's provider type
  std::string capHeld;                // the safety cap's message when it held changes back
  std::vector<std::string> warnings;  // the plan's notes (sync resets suspended, ...)
};

// The JSON /status serves (stable key order).
std::string renderStatusJson(const PassStatus& s, const std::string& configFile);

class StatusBoard {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit StatusBoard(std::chrono::milliseconds wedgeAfter) : wedgeAfter_(wedgeAfter) {}

  void setConfigLoaded(const std::string& configFile);
  void publish(const PassStatus& s);
  void setWedgeAfter(std::chrono::milliseconds d);
  // Progress of any kind; cheap enough to call per request and per DNS query.
  void heartbeat(TimePoint now);

  bool healthy(TimePoint now) const;
  bool ready() const;
  std::string statusJson() const;  // "{}"-like placeholder before the first pass
  // The status page's snapshot (its own lock: readers never wait for a publish).
  const StatusPageState& page() const { return page_; }
  std::string configFile() const;

 private:
  mutable std::mutex mu_;
  std::chrono::milliseconds wedgeAfter_;
  TimePoint lastBeat_{};
  bool beat_ = false;
  bool configLoaded_ = false;
  bool passSucceeded_ = false;
  bool havePass_ = false;
  std::string configFile_;
  PassStatus last_;
  StatusPageState page_;
};

}  // namespace ptrd
