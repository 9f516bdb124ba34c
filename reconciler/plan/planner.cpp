#include "reconciler/plan/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "reconciler/plan/forward_gate.h"
#include "reconciler/plan/ownership.h"

namespace ptrd {
namespace {

std::set<IpAddress> invalidAddresses(const DesiredState& desired) {
  std::set<IpAddress> out;
  for (const auto& inv : desired.invalid) {
    if (inv.ip) out.insert(*inv.ip);
  }
  return out;
}

// Declared records that the planner acts on: an IP that also has an invalid
// declaration is left alone (the user's intent for it is unclear).
template <typename F>
void forEachActionable(const DesiredState& desired, const std::set<IpAddress>& invalid, F&& f) {
  for (const auto& r : desired.records) {
    if (!invalid.contains(r.ip)) f(r);
  }
}

// Was r listed with its declared name (ListedInventory kept only that bit of it)?
bool listedInSync(const DesiredState& desired, const ListedInventory* listed,
                  const DesiredRecord& r) {
  return listed != nullptr && listed->listedInSync(size_t(&r - desired.records.data()));
}

class Planner {
 public:
  Planner(const DesiredState& desired, const providers::Inventory& inventory,
          const ListedInventory* listed, const std::vector<ForwardLookup>& forward,
          const PlanOptions& options)
      : desired_(desired),
        owned_(inventory),
        listedInSync_(listed),
        options_(options),
        invalidIps_(invalidAddresses(desired)) {
    for (const auto& f : forward) forward_.emplace(f.question, &f);
  }

  Plan run() {
    if (options_.inSyncEntries)
      plan_.entries.reserve(desired_.records.size() + desired_.invalid.size());
    else
      plan_.inSyncOmittedBySource.assign(desired_.sources.size(), 0);
    forEachActionable(desired_, invalidIps_, [&](const DesiredRecord& r) { planRecord(r); });
    planInvalid();
    planUndeclared();
    finish();
    return std::move(plan_);
  }

 private:
  void planRecord(const DesiredRecord& r) {
    ++managedDeclared_;
    const bool inSyncListed = listedInSync(desired_, listedInSync_, r);
    if (inSyncListed && !options_.inSyncEntries) {  // the common case of a large fleet: no strings
      countOmitted(r);
      return;
    }
    PlanEntry e;
    e.ip = r.ip;
    e.source = desired_.where(r);
    const providers::OwnedAddress* listed = inSyncListed ? nullptr : owned_.listed(r.ip);
    if (listed != nullptr) e.from = normalisedPtr(listed->ptr);
    if (inSyncListed) e.from = r.hostname;
    e.to = r.reset ? (listed != nullptr ? normalisedPtr(listed->defaultPtr) : std::string())
                   : r.hostname;
    if (inSyncListed) {
      e.state = RecordState::kInSync;
    } else if (!owned_.owns(r.ip)) {
      e.state = RecordState::kNotOwned;
      e.reason = fmt::format("the provider does not list {} on this account", r.ip.str());
    } else if (r.reset) {
      planReset(e, listed);
    } else if (e.from == e.to) {
      e.state = RecordState::kInSync;
    } else {
      planSet(e, r);
    }
    if (e.state == RecordState::kInSync && !options_.inSyncEntries) {
      countOmitted(r);
      return;
    }
    plan_.entries.push_back(std::move(e));
  }

  void countOmitted(const DesiredRecord& r) {
    ++plan_.inSyncOmitted;
    if (r.source < plan_.inSyncOmittedBySource.size()) ++plan_.inSyncOmittedBySource[r.source];
  }

  void planReset(PlanEntry& e, const providers::OwnedAddress* listed) {
    if (listed != nullptr && carriesCustomPtr(*listed)) {
      e.state = RecordState::kReset;
      e.reason = "declared reset: true and the PTR is custom";
      return;
    }
    e.state = RecordState::kInSync;  // already the provider's default (or no record at all)
  }

  void planSet(PlanEntry& e, const DesiredRecord& r) {
    if (!options_.requireForwardMatch) {
      e.state = RecordState::kSet;
      e.reason = "forward DNS not checked (requireForwardMatch: false)";
      return;
    }
    auto it = forward_.find(ForwardQuestion{r.hostname, r.ip.family()});
    GateVerdict v = checkForward(r.ip, r.hostname, it == forward_.end() ? nullptr : it->second);
    if (it != forward_.end()) e.forward = it->second->addresses;  // shown by the status page
    switch (v.kind) {
      case GateVerdict::Kind::kPass:
        e.state = RecordState::kSet;
        e.reason =
            fmt::format("{} {} contains {}", r.hostname, forwardType(r.ip.family()), r.ip.str());
        return;
      case GateVerdict::Kind::kBlocked:
        e.state = RecordState::kBlockedForward;
        break;
      case GateVerdict::Kind::kLookupError:
        e.state = RecordState::kLookupError;
        break;
    }
    e.reason = std::move(v.reason);
  }

  void planInvalid() {
    for (const auto& inv : desired_.invalid) {
      PlanEntry e;
      e.ip = inv.ip;
      e.state = RecordState::kInvalid;
      e.reason = inv.diagnostic.reason;
      e.source = inv.diagnostic.where;
      if (inv.ip) {
        if (const auto* listed = owned_.listed(*inv.ip)) e.from = normalisedPtr(listed->ptr);
      }
      plan_.entries.push_back(std::move(e));
    }
    managedDeclared_ += invalidIps_.size();
  }

  bool declared(const IpAddress& ip) const {
    return desired_.find(ip) != nullptr || invalidIps_.contains(ip);
  }

  // Owned IPs nobody declared: the policy's business. Under sync, resets need the
  // whole truth (contract §7): a file that failed to load, or any single invalid
  // entry (a byte-order mark, "198.51.100.010"), could have declared any of these
  // IPs, so either one suspends every such reset for the pass, and the note says why.
  void planUndeclared() {
    const bool wholeTruth = desired_.complete() && desired_.invalid.empty();
    uint64_t heldBack = 0;
    for (const auto& [ip, owned] : owned_.addresses()) {
      if (declared(ip) || !carriesCustomPtr(*owned)) continue;
      ++managedCustom_;
      if (!resetsUndeclared(options_.policy, *owned)) continue;
      if (!wholeTruth) {
        ++heldBack;
        continue;
      }
      PlanEntry e;
      e.ip = ip;
      e.state = RecordState::kReset;
      e.from = normalisedPtr(owned->ptr);
      e.to = normalisedPtr(owned->defaultPtr);
      e.reason = "not declared in any mapping file (policy sync)";
      e.declared = false;
      plan_.entries.push_back(std::move(e));
    }
    if (options_.policy == Policy::kSync && !wholeTruth) {
      plan_.syncSuppressed = true;
      plan_.warnings.push_back(
          fmt::format("sync resets suspended: {}; {} held back (undeclared IPs with a custom PTR)",
                      suspensionReason(), heldBack));
    }
  }

  // "1 invalid entry (file:line:col)", "2 mapping file(s) failed to load (first: ...)", or both.
  std::string suspensionReason() const {
    std::string out;
    if (!desired_.fileErrors.empty()) {
      out = fmt::format("{} mapping file(s) failed to load (first: {})", desired_.fileErrors.size(),
                        desired_.fileErrors.front().str());
    }
    if (!desired_.invalid.empty()) {
      const size_t n = desired_.invalid.size();
      out += fmt::format("{}{} invalid entr{} ({}{})", out.empty() ? "" : " and ", n,
                         n == 1 ? "y" : "ies", desired_.invalid.front().diagnostic.where.str(),
                         n == 1 ? "" : ", ...");
    }
    return out;
  }

  void finish() {
    // Address-less invalid entries keep their file order after every addressed one.
    std::stable_sort(plan_.entries.begin(), plan_.entries.end(),
                     [](const PlanEntry& a, const PlanEntry& b) {
                       if (a.ip.has_value() != b.ip.has_value()) return a.ip.has_value();
                       return a.ip.has_value() && *a.ip < *b.ip;
                     });
    plan_.summary[RecordState::kInSync] += plan_.inSyncOmitted;
    for (const auto& e : plan_.entries) {
      ++plan_.summary[e.state];
      if (e.state != RecordState::kSet && e.state != RecordState::kReset) continue;
      providers::Change c;
      c.ip = e.ip->str();
      c.reverseName = e.ip->reverseName();
      c.action = e.state == RecordState::kSet ? providers::Change::Action::kSet
                                              : providers::Change::Action::kReset;
      if (e.state == RecordState::kSet) c.hostname = e.to;
      c.observedPtr = e.from;
      plan_.changes.push_back(PlannedChange{*e.ip, std::move(c), e.from, e.to});
    }
    plan_.managed = managedDeclared_ + managedCustom_;
    if (!options_.requireForwardMatch) {
      plan_.warnings.push_back(
          "requireForwardMatch is false: PTRs are set without checking that the name resolves back "
          "to the IP (no FCrDNS gate)");
    }
    for (const auto& bad : owned_.unparsable()) {
      plan_.warnings.push_back(
          fmt::format("the provider listed an unparsable address \"{}\"; ignored", bad));
    }
    applyCap();
  }

  void applyCap() {
    CapVerdict v = checkSafetyCap(plan_.changes.size(), plan_.managed, options_.limits);
    if (!v.exceeded) return;
    plan_.capExceeded = true;
    plan_.capOverridden = options_.allowLargeChange;
    if (plan_.capOverridden) {
      plan_.capMessage = v.message + "; applying anyway (--allow-large-change)";
      plan_.warnings.push_back(plan_.capMessage);
      return;
    }
    plan_.capMessage = v.message + "; nothing will be changed (override with --allow-large-change)";
  }

  const DesiredState& desired_;
  OwnershipIndex owned_;
  const ListedInventory* listedInSync_;  // null: `owned_` holds the whole inventory
  const PlanOptions& options_;
  std::set<IpAddress> invalidIps_;
  std::map<ForwardQuestion, const ForwardLookup*> forward_;
  uint64_t managedDeclared_ = 0;
  uint64_t managedCustom_ = 0;
  Plan plan_;
};

}  // namespace

bool Plan::converged() const {
  return std::all_of(entries.begin(), entries.end(),
                     [](const PlanEntry& e) { return e.state == RecordState::kInSync; });
}

namespace {

std::vector<ForwardQuestion> questions(const DesiredState& desired,
                                       const providers::Inventory& inventory,
                                       const ListedInventory* listed, const PlanOptions& options) {
  if (!options.requireForwardMatch) return {};
  OwnershipIndex owned(inventory);
  std::set<ForwardQuestion> out;
  forEachActionable(desired, invalidAddresses(desired), [&](const DesiredRecord& r) {
    if (r.reset || listedInSync(desired, listed, r) || !owned.owns(r.ip)) return;
    const auto* listed = owned.listed(r.ip);
    if (listed != nullptr && normalisedPtr(listed->ptr) == r.hostname) return;
    out.insert(ForwardQuestion{r.hostname, r.ip.family()});
  });
  return {out.begin(), out.end()};
}

}  // namespace

std::vector<ForwardQuestion> forwardQuestions(const DesiredState& desired,
                                              const providers::Inventory& inventory,
                                              const PlanOptions& options) {
  return questions(desired, inventory, nullptr, options);
}

std::vector<ForwardQuestion> forwardQuestions(const ListedInventory& listed,
                                              const PlanOptions& options) {
  return questions(listed.desired(), listed.kept(), &listed, options);
}

Plan makePlan(const DesiredState& desired, const providers::Inventory& inventory,
              const std::vector<ForwardLookup>& forward, const PlanOptions& options) {
  return Planner(desired, inventory, nullptr, forward, options).run();
}

Plan makePlan(const ListedInventory& listed, const std::vector<ForwardLookup>& forward,
              const PlanOptions& options) {
  return Planner(listed.desired(), listed.kept(), &listed, forward, options).run();
}

}  // namespace ptrd
