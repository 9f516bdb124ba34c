// StatusView: what the status page reads, rebuilt once per pass so that serving
// it never walks the whole pass under the loop's lock.
//
//   GET /status/summary  summaryJson: counts per state (the numbers of
//                        ptrd_records), the last pass, the provider and its last
//                        error, reload status, the safety cap, warnings
//   GET /status/rows     a bounded page of `rows` (status_rows.h)
//
// StatusBoard::publish() hands every pass to StatusPageState::publish(), which
// also remembers since when each address has been in its state (state_since.h)
// and the last error across passes. Readers take a shared snapshot.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reconciler/plan/plan.h"
#include "reconciler/telemetry/state_since.h"
#include "reconciler/telemetry/status_rows.h"

namespace ptrd {

struct PassStatus;

struct StatusView {
  std::string summaryJson;
  std::shared_ptr<const std::vector<StatusRow>> rows;  // never null
};

// What the last pass that got as far as a plan found. A pass that fails before
// planning changes none of it (nor ptrd_records): it says nothing new about the
// addresses.
struct PlannedPicture {
  PlanSummary summary;
  uint64_t fcrdnsObserved = 0;
  uint64_t fcrdnsMismatch = 0;
  std::string capHeld;
  std::vector<std::string> warnings;
  double plannedAt = 0;  // Unix seconds; 0 = never
  std::shared_ptr<const std::vector<StatusRow>> rows = std::make_shared<std::vector<StatusRow>>();
};

struct LastError {
  std::string message;  // empty: none since the daemon started
  double at = 0;
};

class StatusPageState {
 public:
  void publish(const PassStatus& s, const std::string& configFile);
  // Null before the first pass.
  std::shared_ptr<const StatusView> view() const;
  // The snapshot's summary, or {"result": "pending", ...} before the first pass.
  std::string summaryJson(const std::string& configFile) const;

 private:
  mutable std::mutex mu_;
  StateSince since_;
  PlannedPicture planned_;
  LastError lastError_;
  std::shared_ptr<const StatusView> view_;
};

// The summary object of one pass (stable key order); lists are bounded, strings
// redacted like /status.
std::string renderStatusSummaryJson(const PassStatus& s, const PlannedPicture& p,
                                    const LastError& lastError, const std::string& configFile);

}  // namespace ptrd
