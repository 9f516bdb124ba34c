// One reconcile pass: observe -> plan -> apply in batches -> verify in DNS.
//
// Level-based like a controller-runtime Reconcile: every pass re-reads the whole
// picture (inventory, forward DNS) and acts only on what it sees now. I/O goes
// through the Provider and Resolver interfaces and time through Clock, so the
// whole pass is unit-tested with fakes.
//
//   auto plan = observeAndPlan(desired, provider, resolver, options);  // ptrd plan
//   if (!plan) return report(plan.error());
//   ApplyReport r = applyPlan(*plan, provider, resolver, clock, {});    // ptrd apply
//   r.converged();
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "core/result.h"
#include "core/clock.h"
#include "reconciler/source/desired_state.h"
#include "reconciler/plan/plan.h"
#include "reconciler/plan/planner.h"
#include "reconciler/dns/resolver.h"

namespace ptrd {

// Where observeAndPlan's time went, in seconds (for the daemon's pass log: the
// provider's listing is its own share, apart from ptrd's work).
struct ObserveTimings {
  double listing = 0;     // the provider's listing (requests, parsing), without...
  double compacting = 0;  // ...taking its pages into the planner's compact form
  double forwardDns = 0;  // the forward questions of addresses to change
  double planning = 0;    // makePlan
};

// Reads the inventory, asks DNS the deduplicated forward questions, and plans.
// An unreadable inventory is an Error: never "the account has no addresses".
Result<Plan> observeAndPlan(const DesiredState& desired, providers::Provider& provider,
                            Resolver& resolver, const PlanOptions& options,
                            ObserveTimings* timings = nullptr);

// How long apply waits for its changes to show in DNS: it polls with exponential
// backoff (firstDelay, doubling, at most maxDelay) until all show or `deadline`
// has passed; what has not shown by then is `propagating` and checked next pass.
struct VerifyOptions {
  std::chrono::milliseconds deadline{std::chrono::seconds(60)};
  std::chrono::milliseconds firstDelay{std::chrono::milliseconds(500)};
  std::chrono::milliseconds maxDelay{std::chrono::seconds(8)};
};

// What became of one sent change.
struct ChangeOutcome {
  // kBlockedForward: the platform's own forward check refused the name.
  enum class Status { kVerified, kPropagating, kInvalid, kNotYours, kFailed, kBlockedForward };
  PlannedChange planned;
  Status status = Status::kFailed;
  std::string reason;  // provider's or ptrd's words for anything but kVerified
};
const char* outcomeStatusName(ChangeOutcome::Status s);  // "verified", "propagating", ...

struct ApplyReport {
  Plan plan;  // the input plan with each sent change's entry updated to what happened
  std::vector<ChangeOutcome> outcomes;  // sorted by IP
  bool capRefused = false;              // the safety cap stopped every change
  // Portal-style counts. applied = the provider applied it (verified + propagating).
  uint64_t applied = 0, verified = 0, propagating = 0, invalid = 0, notYours = 0, failed = 0;

  // Every entry in_sync and nothing refused: what `ptrd apply` exits 0 on.
  bool converged() const { return !capRefused && plan.converged(); }
  // "applied 3 (2 verified in DNS, 1 propagating), invalid 0, not yours 0, failed 0,
  //  blocked by forward DNS 1"
  std::string summaryLine() const;
};

// Sends the plan's changes (unless the safety cap refuses them) in provider-sized
// batches and verifies them in DNS. A batch the provider rejects as a whole for
// its content is split in halves and retried, so one bad change cannot sink 499
// good ones. Refused credentials stop the sending at once: the rest of the plan
// is failed unsent (one request, not one per half-batch).
ApplyReport applyPlan(const Plan& plan, providers::Provider& provider, Resolver& resolver,
                      Clock& clock, const VerifyOptions& verify);

}  // namespace ptrd
