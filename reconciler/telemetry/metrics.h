// DaemonMetrics: every metric of contract §5, with exactly its names and labels,
// plus the ones operators look for (README "Metrics"): process_*, the revision in
// ptrd_build_info, the last attempted pass, provider request latency, pending
// provider jobs and per-source state counts.
//
// Labels never carry an IP or hostname (cardinality): per-IP detail goes to the
// logs and /status. Label sets that mean "nothing happened yet" are created up
// front (all eight ptrd_records states, both reconcile results, the six change
// outcomes) so alert rules see 0 instead of an absent series. Thread-safe: the
// loop, the provider's request observer, the resolver's query callback and the
// HTTP thread all use it.
//
//   DaemonMetrics m("0.1.0");
//   m.providerRequest("noc", "bulk_submit", 202);
//   std::string text = m.render();   // Prometheus text format for /metrics
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "reconciler/plan/plan.h"
#include "reconciler/source/desired_state.h"

namespace ptrd {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(const std::string& version, const std::string& revision = "unknown");

  void setRecordStates(const PlanSummary& summary);
  void setFcrdnsMismatch(uint64_t n);
  // One finished pass: counts it, observes its duration, stamps the attempt time,
  // and on success the success time.
  void passFinished(bool success, double seconds, double unixTime);
  // action "set"|"reset"; result "applied"|"rejected"|"failed".
  void countChange(std::string_view action, std::string_view result, uint64_t n = 1);
  // seconds < 0: not timed (counted, not observed in the latency histogram).
  void providerRequest(const std::string& provider, const std::string& operation, int code,
                       double seconds = -1);
  // Asynchronous provider jobs submitted and not yet finished (the state file's).
  void setPendingJobs(uint64_t n);
  // ptrd_source_records{source, state}: per mapping source name (metadata.name, or
  // the file name of a bulk file). Sources gone since the last call are removed.
  void setSourceStates(const std::map<std::string, PlanSummary>& bySource);
  void dnsQuery(std::string_view type, std::string_view result);
  void setReloadSuccessful(bool ok);

  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& records_;
  prometheus::Gauge& fcrdnsMismatch_;
  prometheus::Family<prometheus::Counter>& reconcileTotal_;
  prometheus::Histogram& duration_;
  prometheus::Gauge& lastSuccess_;
  prometheus::Family<prometheus::Counter>& changes_;
  prometheus::Family<prometheus::Counter>& providerRequests_;
  prometheus::Family<prometheus::Counter>& dnsQueries_;
  prometheus::Gauge& reloadOk_;
  prometheus::Gauge& lastAttempt_;
  prometheus::Family<prometheus::Histogram>& providerLatency_;
  prometheus::Gauge& pendingJobs_;
  prometheus::Family<prometheus::Gauge>& sourceRecords_;
  std::mutex sourcesMu_;  // guards the set of source names currently exported
  std::set<std::string> sources_;
};

// The plan's entries counted per state and per mapping source name; entries
// without a source (undeclared sync resets) are left out.
std::map<std::string, PlanSummary> countBySource(const Plan& plan, const DesiredState& desired);

}  // namespace ptrd
