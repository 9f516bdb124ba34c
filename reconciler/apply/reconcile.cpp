#include "reconciler/apply/reconcile.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "reconciler/plan/batching.h"
#include "reconciler/apply/verify.h"

namespace ptrd {
namespace {

using providers::ChangeResult;
using Outcome = ChangeOutcome::Status;

// Changes never sent because the pass stopped (credentials refused): failed,
// with the reason that stopped it, and planned again next pass.
void failUnsent(const Batch& batch, const Error& why, std::map<std::string, ChangeResult>& out) {
  for (const auto& c : batch)
    out[c.ip] = ChangeResult{c.ip, ChangeResult::Status::kFailed, "",
                             fmt::format("not sent: the pass stopped: {}", why.message)};
}

// Sends one batch; a batch the provider rejects as a whole (its content: 400/422)
// is split in halves until the culprit stands alone. Any other error fails the
// batch for this pass without splitting (the next pass re-plans from scratch):
// halving over a refused token or a wrong URL would only send ~2n failing
// requests. Returns the auth Error that must stop the pass, if one came.
std::optional<Error> sendBatch(const Batch& batch, providers::Provider& provider,
                               std::map<std::string, ChangeResult>& out) {
  if (batch.empty()) return std::nullopt;
  auto r = provider.apply(batch);
  if (r && r->size() == batch.size()) {
    for (size_t i = 0; i < batch.size(); ++i) {
      ChangeResult cr = (*r)[i];
      if (cr.ip != batch[i].ip) {
        cr.status = ChangeResult::Status::kFailed;
        cr.reason = fmt::format("the provider answered for {} in place of {}", cr.ip, batch[i].ip);
      }
      out[batch[i].ip] = std::move(cr);
    }
    return std::nullopt;
  }
  if (!r && r.error().isRejected() && batch.size() > 1) {
    const auto mid = batch.begin() + std::ptrdiff_t(batch.size() / 2);
    if (auto stop = sendBatch(Batch(batch.begin(), mid), provider, out)) {
      failUnsent(Batch(mid, batch.end()), *stop, out);
      return stop;
    }
    return sendBatch(Batch(mid, batch.end()), provider, out);
  }
  const std::string reason =
      r ? fmt::format("the provider returned {} results for {} changes", r->size(), batch.size())
        : r.error().message;
  for (const auto& c : batch)
    out[c.ip] = ChangeResult{c.ip, ChangeResult::Status::kFailed, "", reason};
  if (!r && r.error().isAuth()) return r.error();
  return std::nullopt;
}

// What the change should look like in DNS once applied. For a reset the provider's
// answer is the best word on its default.
std::string expectedPtr(const PlannedChange& pc, const ChangeResult& cr) {
  if (pc.change.action == providers::Change::Action::kSet) return pc.change.hostname;
  return normalisedPtr(cr.ptr.empty() ? pc.to : cr.ptr);
}

void record(ApplyReport& report, PlanEntry& entry, const PlannedChange& pc, Outcome status,
            std::string reason) {
  switch (status) {
    case Outcome::kVerified:
      entry.state = RecordState::kInSync;
      entry.from = entry.to;
      entry.reason.clear();
      ++report.applied, ++report.verified;
      break;
    case Outcome::kPropagating:
      entry.state = RecordState::kPropagating;
      entry.reason = fmt::format("the provider has it; DNS does not show it yet ({})", reason);
      ++report.applied, ++report.propagating;
      break;
    case Outcome::kInvalid:
      entry.state = RecordState::kInvalid;
      entry.reason = fmt::format("the provider refused it: {}", reason);
      ++report.invalid;
      break;
    case Outcome::kNotYours:
      entry.state = RecordState::kNotOwned;
      entry.reason = fmt::format("the provider says the IP is not on this account: {}", reason);
      ++report.notYours;
      break;
    case Outcome::kFailed:  // stays set/reset: still pending, retried next pass
      entry.reason = fmt::format("failed: {}", reason);
      ++report.failed;
      break;
    case Outcome::kBlockedForward:  // not a failure: DNS has to catch up; retried next pass
      entry.state = RecordState::kBlockedForward;
      entry.reason = fmt::format("the provider does not see the forward record yet: {}", reason);
      break;
  }
  report.outcomes.push_back(ChangeOutcome{pc, status, std::move(reason)});
}

Outcome fromProvider(ChangeResult::Status s) {
  switch (s) {
    case ChangeResult::Status::kApplied:
      return Outcome::kVerified;  // until DNS says otherwise
    case ChangeResult::Status::kInvalid:
      return Outcome::kInvalid;
    case ChangeResult::Status::kNotYours:
      return Outcome::kNotYours;
    case ChangeResult::Status::kFailed:
      return Outcome::kFailed;
    case ChangeResult::Status::kRefusedForward:
      return Outcome::kBlockedForward;
  }
  return Outcome::kFailed;
}

}  // namespace

const char* outcomeStatusName(ChangeOutcome::Status s) {
  switch (s) {
    case Outcome::kVerified:
      return "verified";
    case Outcome::kPropagating:
      return "propagating";
    case Outcome::kInvalid:
      return "invalid";
    case Outcome::kNotYours:
      return "not_yours";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kBlockedForward:
      return "blocked_forward";
  }
  return "failed";
}

Result<Plan> observeAndPlan(const DesiredState& desired, providers::Provider& provider,
                            Resolver& resolver, const PlanOptions& options,
                            ObserveTimings* timings) {
  // Wall time for a log line only; the pass's logic never reads it.
  using Steady = std::chrono::steady_clock;
  auto lap = [last = Steady::now()]() mutable {
    const auto now = Steady::now();
    const double s = std::chrono::duration<double>(now - last).count();
    last = now;
    return s;
  };
  ObserveTimings t;
  // Page by page into the compact form: the planner's view without a string per
  // in-sync address. A failed listing drops whatever pages came.
  ListedInventory listed(desired);
  auto zones = provider.inventoryPages([&](std::vector<providers::OwnedAddress>&& page) {
    const auto start = Steady::now();
    listed.add(std::move(page));
    t.compacting += std::chrono::duration<double>(Steady::now() - start).count();
  });
  t.listing = lap() - t.compacting;
  if (timings) *timings = t;
  if (!zones) {
    return Error{
        fmt::format("reading the {} inventory: {}", provider.type(), zones.error().message),
        zones.error().kind};
  }
  listed.setOwnedZones(std::move(*zones));
  std::vector<ForwardLookup> forward = resolver.lookupForward(forwardQuestions(listed, options));
  t.forwardDns = lap();
  Plan plan = makePlan(listed, forward, options);
  t.planning = lap();
  if (timings) *timings = t;
  return plan;
}

ApplyReport applyPlan(const Plan& plan, providers::Provider& provider, Resolver& resolver,
                      Clock& clock, const VerifyOptions& verify) {
  ApplyReport report;
  report.plan = plan;
  if (!plan.changesAllowed()) {
    report.capRefused = true;
    return report;
  }
  std::map<std::string, ChangeResult> results;
  std::optional<Error> stop;
  for (const Batch& b : makeBatches(plan.changes, provider.maxBatchSize())) {
    if (stop)
      failUnsent(b, *stop, results);
    else
      stop = sendBatch(b, provider, results);
  }

  std::map<IpAddress, PlanEntry*> entries;
  for (auto& e : report.plan.entries) {
    if (e.ip && (e.state == RecordState::kSet || e.state == RecordState::kReset))
      entries[*e.ip] = &e;
  }
  // Verify every applied change in one polling loop; settle the rest now.
  std::vector<VerifyTarget> targets;
  std::vector<const PlannedChange*> applied;
  for (const PlannedChange& pc : plan.changes) {
    const ChangeResult& cr = results[pc.change.ip];
    PlanEntry& entry = *entries.at(pc.ip);
    Outcome s = fromProvider(cr.status);
    if (s != Outcome::kVerified) {
      record(report, entry, pc, s, cr.reason.empty() ? "no reason given" : cr.reason);
      continue;
    }
    targets.push_back(VerifyTarget{pc.ip, expectedPtr(pc, cr)});
    applied.push_back(&pc);
  }
  std::vector<VerifyResult> seen = verifyInDns(targets, resolver, clock, verify);
  for (size_t i = 0; i < applied.size(); ++i) {
    record(report, *entries.at(applied[i]->ip), *applied[i],
           seen[i].shown ? Outcome::kVerified : Outcome::kPropagating,
           seen[i].shown ? std::string() : seen[i].lastSeen);
  }
  std::sort(
      report.outcomes.begin(), report.outcomes.end(),
      [](const ChangeOutcome& a, const ChangeOutcome& b) { return a.planned.ip < b.planned.ip; });
  report.plan.summary = PlanSummary{};
  report.plan.summary[RecordState::kInSync] = plan.inSyncOmitted;
  for (const auto& e : report.plan.entries) ++report.plan.summary[e.state];
  return report;
}

std::string ApplyReport::summaryLine() const {
  return fmt::format(
      "applied {} ({} verified in DNS, {} propagating), invalid {}, not yours {}, failed {}, "
      "blocked by forward DNS {}",
      applied, verified, propagating, invalid, notYours, failed,
      plan.summary[RecordState::kBlockedForward]);
}

}  // namespace ptrd
