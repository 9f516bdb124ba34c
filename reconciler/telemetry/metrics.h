// DaemonMetrics: every metric of contract §5, with exactly its names and labels.
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

#include <memory>
#include <string>
#include <string_view>

#include "reconciler/plan/plan.h"

namespace ptrd {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(const std::string& version);

  void setRecordStates(const PlanSummary& summary);
  void setFcrdnsMismatch(uint64_t n);
  // One finished pass: counts it, observes its duration, and on success stamps the time.
  void passFinished(bool success, double seconds, double unixTime);
  // action "set"|"reset"; result "applied"|"rejected"|"failed".
  void countChange(std::string_view action, std::string_view result, uint64_t n = 1);
  void providerRequest(const std::string& provider, const std::string& operation, int code);
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
};

}  // namespace ptrd
