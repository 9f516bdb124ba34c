// Plan: what one reconcile pass found and would do, per IP (contract §4).
//
// Produced by makePlan() (planner.h), a pure function; rendered by `ptrd plan`,
// executed by applyPlan() (reconcile.h). Everything in it is sorted so the same
// inputs always print the same plan.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "providers/provider.h"
#include "core/diagnostic.h"
#include "core/ip_address.h"
#include "reconciler/plan/record_state.h"

namespace ptrd {

// One IP's verdict. Invalid declarations whose address did not parse have no ip.
struct PlanEntry {
  std::optional<IpAddress> ip;
  RecordState state = RecordState::kInSync;
  std::string from;    // current PTR at the provider, canonical; empty when none/unknown
  std::string to;      // desired PTR (the default for a reset; empty = provider default/none)
  std::string reason;  // why, for anything but in_sync/set
  std::vector<IpAddress> forward;  // what the desired name resolved to, when it was looked up
  SourceLocation source;           // where it was declared; empty file for undeclared (sync) resets
  bool declared = true;            // false for sync resets of undeclared IPs

  std::string ipText() const { return ip ? ip->str() : std::string(); }
};

// One change to send, with what it replaces and what should show afterwards (for
// a reset: the provider's default, empty when unknown or none).
struct PlannedChange {
  IpAddress ip;
  providers::Change change;
  std::string from;
  std::string to;
};

struct PlanSummary {
  std::array<uint64_t, kAllRecordStates.size()> counts{};

  uint64_t& operator[](RecordState s) { return counts[static_cast<size_t>(s)]; }
  uint64_t operator[](RecordState s) const { return counts[static_cast<size_t>(s)]; }
};

struct Plan {
  std::vector<PlanEntry> entries;  // sorted by IP; address-less invalid ones last, in file order
  std::vector<PlannedChange> changes;  // the set/reset entries, sorted by IP
  PlanSummary summary;
  // in_sync IPs counted in the summary without an entry (PlanOptions::inSyncEntries
  // false), in all and per DesiredState::sources index, so per-source counts stay whole.
  uint64_t inSyncOmitted = 0;
  std::vector<uint64_t> inSyncOmittedBySource;
  uint64_t managed = 0;  // declared IPs + owned IPs with a custom PTR (cap base)

  // The safety cap: when exceeded the plan still lists its changes but apply sends none.
  bool capExceeded = false;
  bool capOverridden = false;  // exceeded, but a person allowed it
  std::string capMessage;

  // Loud notes for the person: gate disabled, sync resets suppressed, ...
  std::vector<std::string> warnings;
  bool syncSuppressed = false;  // sync policy, but a file failed to load or an entry is invalid

  bool hasChanges() const { return !changes.empty(); }
  // May apply send the changes?
  bool changesAllowed() const { return !capExceeded || capOverridden; }
  // Nothing left that this pass could or should change, and nothing stuck.
  bool converged() const;
};

}  // namespace ptrd
