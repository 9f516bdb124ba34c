// DaemonLoop's bookkeeping of what a pass did: journaled jobs finished, changes
// counted and logged, per-IP state transitions logged. Kept apart from the
// scheduling in daemon_loop.cpp.
#include <fmt/format.h>

#include "reconciler/daemon/daemon_loop.h"
#include "reconciler/daemon/drain.h"
#include "reconciler/daemon/journal_replay.h"

namespace ptrd {
namespace {

using providers::ChangeResult;

// The metric's three results: what the provider took, refused, or could not do.
const char* metricResult(ChangeOutcome::Status s) {
  switch (s) {
    case ChangeOutcome::Status::kVerified:
    case ChangeOutcome::Status::kPropagating:
      return "applied";
    case ChangeOutcome::Status::kInvalid:
    case ChangeOutcome::Status::kNotYours:
    case ChangeOutcome::Status::kBlockedForward:
      return "rejected";
    case ChangeOutcome::Status::kFailed:
      return "failed";
  }
  return "failed";
}

const char* metricResult(ChangeResult::Status s) {
  switch (s) {
    case ChangeResult::Status::kApplied:
      return "applied";
    case ChangeResult::Status::kInvalid:
    case ChangeResult::Status::kNotYours:
    case ChangeResult::Status::kRefusedForward:
      return "rejected";
    case ChangeResult::Status::kFailed:
      return "failed";
  }
  return "failed";
}

}  // namespace

bool DaemonLoop::resumeJournaledJobs(providers::Provider& provider, const Plan& plan,
                                     PassStatus& st, bool& resumed) {
  resumed = false;
  if (!deps_.journal) return true;
  for (const auto& job : deps_.journal->pending()) {
    if (deps_.signal.stopRequested()) return true;  // the next process resumes it
    // Only what this pass's plan (gate, policy, cap applied) still wants, and
    // only within the provider's idempotency window: see journal_replay.h.
    const std::string why = whyNotReplayable(job, provider.journaledChanges(job), plan,
                                             deps_.clock.wallNow(), provider.resumeWindow());
    if (!why.empty()) {
      deps_.log.warn(
          "not replaying a journaled job; the plan decides instead",
          {{"idempotency_key", job.idempotencyKey}, {"job_id", job.jobId}, {"reason", why}});
      deps_.journal->done(job.idempotencyKey);
      continue;
    }
    deps_.log.info("resuming a bulk job from the state file",
                   {{"idempotency_key", job.idempotencyKey}, {"job_id", job.jobId}});
    auto results = provider.resume(job);
    if (!results && results.error().isTransient()) {
      st.error = fmt::format("resuming job {} ({}): {}", job.jobId, job.idempotencyKey,
                             results.error().message);
      return false;  // keep it; applying now could submit the same changes twice
    }
    if (!results) {
      // Permanent (e.g. the portal no longer knows the job): the plan already
      // read decides; nothing is gained by keeping it.
      deps_.log.warn("dropping a journaled job that cannot be resumed",
                     {{"idempotency_key", job.idempotencyKey},
                      {"job_id", job.jobId},
                      {"error", results.error().message}});
      deps_.journal->done(job.idempotencyKey);
      continue;
    }
    resumed = true;
    for (const auto& r : *results) {
      const char* action = providers::actionName(r.action);  // the provider read its journal
      deps_.metrics.countChange(action, metricResult(r.status));
      deps_.log.info("resumed change", {{"ip", r.ip},
                                        {"hostname", r.ptr},
                                        {"action", action},
                                        {"result", providers::statusName(r.status)},
                                        {"reason", r.reason}});
      if (auto ip = IpAddress::parse(r.ip)) monitor_.invalidate(*ip);
    }
    deps_.journal->done(job.idempotencyKey);  // the provider did too; harmless twice
  }
  return true;
}

void DaemonLoop::recordOutcomes(const ApplyReport& report) {
  for (const auto& o : report.outcomes) {
    if (o.reason == kDrainReason) continue;  // never sent: re-planned after the restart
    const char* action = providers::actionName(o.planned.change.action);
    const char* result = metricResult(o.status);
    deps_.metrics.countChange(action, result);
    LogFields f{{"ip", o.planned.ip.str()},
                {"hostname", o.planned.to},
                {"action", action},
                {"from", o.planned.from},
                {"outcome", outcomeStatusName(o.status)}};
    if (!o.reason.empty()) f.emplace_back("reason", o.reason);
    if (o.status == ChangeOutcome::Status::kFailed)
      deps_.log.warn("change failed", f);
    else if (std::string_view(result) == "rejected")
      deps_.log.warn("change rejected", f);
    else
      deps_.log.info("change applied", f);
    if (o.status != ChangeOutcome::Status::kFailed) monitor_.invalidate(o.planned.ip);
  }
}

// One line per IP whose state changed since the last pass, not one per IP per
// pass: a blocked record does not repeat itself every five minutes.
void DaemonLoop::logTransitions(const Plan& plan) {
  std::map<std::string, RecordState> now;
  for (const auto& e : plan.entries) {
    if (e.state == RecordState::kInSync || !e.ip) continue;
    const std::string ip = e.ipText();
    now[ip] = e.state;
    auto it = lastStates_.find(ip);
    if (it != lastStates_.end() && it->second == e.state) continue;
    LogFields f{
        {"ip", ip}, {"hostname", e.to}, {"state", stateName(e.state)}, {"reason", e.reason}};
    if (!e.source.file.empty()) f.emplace_back("source", e.source.str());
    deps_.log.warn("record not in sync", f);
  }
  for (const auto& [ip, old] : lastStates_) {
    if (!now.contains(ip)) deps_.log.info("record in sync", {{"ip", ip}, {"was", stateName(old)}});
  }
  lastStates_ = std::move(now);
}

}  // namespace ptrd
