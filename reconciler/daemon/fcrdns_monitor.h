// FcrdnsMonitor: the daemon's watch on live FCrDNS, for ptrd_fcrdns_mismatch,
// within a DNS query budget.
//
// A steady-state pass (nothing to change) needs no DNS for the plan itself: the
// provider's inventory says every PTR is as declared. What can still drift is
// forward DNS (someone moves an A record), so the monitor re-observes each
// declared IP (PTR, then the PTR name's A/AAAA) when its answers' TTL runs out,
// never all at once:
//   - each IP is due at (last look + min TTL of its PTR and forward answers),
//     clamped to [minRecheck, maxRecheck]; never-seen IPs are due first;
//   - a token bucket earns `queriesPerSecond` per second of wall time (at most
//     one interval's worth is banked); a pass spends it on the most overdue IPs
//     (two queries each, estimated; the real count is charged afterwards).
// So a fleet larger than the budget is covered over several passes, and the
// query rate stays flat instead of bursting once per interval.
//
//   FcrdnsMonitor monitor({.queriesPerSecond = 100});
//   monitor.refresh(declaredIps, resolver, clock.now(), interval);
//   metrics.setFcrdnsMismatch(monitor.mismatches().size());
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "reconciler/dns/fcrdns.h"
#include "core/ip_address.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

struct MonitorOptions {
  double queriesPerSecond = 100;
  std::chrono::seconds minRecheck{1};
  std::chrono::seconds maxRecheck{3600};
};

class FcrdnsMonitor {
 public:
  explicit FcrdnsMonitor(MonitorOptions options = {}) : options_(options) {}
  void setOptions(const MonitorOptions& o) { options_ = o; }

  // Forgets IPs no longer in `watched` and re-observes the due ones the budget
  // allows. Returns the number of DNS queries sent.
  size_t refresh(const std::vector<IpAddress>& watched, Resolver& resolver, Clock::TimePoint now,
                 std::chrono::milliseconds interval);
  // ptrd changed this IP's PTR: look again at the next refresh.
  void invalidate(const IpAddress& ip);

  // Observations whose live PTR name does not resolve back (forward_mismatch, forward_missing).
  std::vector<fcrdns::Observation> mismatches() const;
  size_t observed() const { return seen_.size(); }
  double tokens() const { return tokens_; }

 private:
  struct Seen {
    fcrdns::Observation observation;
    Clock::TimePoint due;
  };
  MonitorOptions options_;
  std::map<IpAddress, Seen> seen_;
  std::optional<Clock::TimePoint> lastRefresh_;
  double tokens_ = 0;
};

}  // namespace ptrd
