// The planner: desired state + what the provider and DNS show -> a Plan.
//
// A pure function (no I/O, no clock), after external-dns's plan package, so every
// rule of contract §4 is unit-tested without network:
//
//   - names are compared only in normal form (lower case, one trailing dot);
//   - a declared IP the provider does not own is `not_owned` and never sent;
//   - an IP with an invalid declaration is `invalid` and never touched, not even
//     by a sync reset;
//   - `set` only when the FCrDNS gate passes (forward_gate.h), unless
//     requireForwardMatch is off, which the plan warns about;
//   - `reset: true` resets only an address that carries a custom PTR;
//   - the policy (policy.h) decides about owned IPs nobody declared; sync resets
//     are suppressed entirely while a mapping file fails to load or any entry is
//     invalid (contract §7), and the plan's warning names the reason;
//   - the safety cap (safety_cap.h) marks a too-large plan.
//
//   auto questions = forwardQuestions(desired, inventory);  // ask DNS these...
//   auto answers = resolver.lookupForward(questions);
//   Plan plan = makePlan(desired, inventory, answers, options);
#pragma once

#include <vector>

#include "providers/provider.h"
#include "reconciler/source/desired_state.h"
#include "reconciler/plan/listed_inventory.h"
#include "reconciler/plan/plan.h"
#include "reconciler/plan/policy.h"
#include "reconciler/dns/resolver.h"
#include "reconciler/plan/safety_cap.h"

namespace ptrd {

struct PlanOptions {
  Policy policy = Policy::kUpsertOnly;
  bool requireForwardMatch = true;
  SafetyLimits limits;
  bool allowLargeChange = false;  // the person's explicit override of the cap
  // false: in_sync IPs are only counted in the summary, with no PlanEntry each --
  // for callers that show only what is not in sync (`ptrd plan -o text|json`),
  // so that a fleet of a million addresses in sync costs no entries.
  bool inSyncEntries = true;
};

// The forward lookups the plan needs: one per (hostname, family) of a declared,
// owned IP whose PTR differs from the desired name; none when the gate is off.
// Sorted and deduplicated, so a thousand IPs pointing at one name ask DNS once.
std::vector<ForwardQuestion> forwardQuestions(const DesiredState& desired,
                                              const providers::Inventory& inventory,
                                              const PlanOptions& options);

Plan makePlan(const DesiredState& desired, const providers::Inventory& inventory,
              const std::vector<ForwardLookup>& forward, const PlanOptions& options);

// The same from an inventory taken in page by page against its desired state
// (listed_inventory.h): the same plan, without the in-sync listings' strings.
std::vector<ForwardQuestion> forwardQuestions(const ListedInventory& listed,
                                              const PlanOptions& options);
Plan makePlan(const ListedInventory& listed, const std::vector<ForwardLookup>& forward,
              const PlanOptions& options);

}  // namespace ptrd
