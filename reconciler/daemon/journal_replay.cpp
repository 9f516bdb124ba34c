#include "reconciler/daemon/journal_replay.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "core/hostname.h"
#include "reconciler/plan/record_state.h"

namespace ptrd {
namespace {

using providers::Change;

struct Wanted {
  Change::Action action = Change::Action::kSet;
  std::string target;  // canonical; empty for a reset
};

std::string describe(const Wanted& w) {
  return w.action == Change::Action::kReset ? "reset" : "set " + w.target;
}

std::string hours(std::chrono::seconds s) {
  return fmt::format("{:.1f} h", std::chrono::duration<double, std::ratio<3600>>(s).count());
}

}  // namespace

std::string whyNotReplayable(const providers::JournaledJob& job,
                             const Result<std::vector<providers::Change>>& asked, const Plan& plan,
                             std::chrono::system_clock::time_point now,
                             std::chrono::seconds window) {
  if (job.submittedAt == std::chrono::system_clock::time_point{})
    return "it carries no submission time (an older state file), so it may be past the "
           "provider's idempotency window";
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - job.submittedAt);
  if (age.count() < 0)
    return fmt::format("it was recorded {} in the future (the clock moved back?)", hours(-age));
  if (age >= window)
    return fmt::format("it was submitted {} ago, past the provider's idempotency window of {}",
                       hours(age), hours(window));
  if (!plan.changesAllowed())
    return "the safety cap holds this pass's changes back: " + plan.capMessage;
  if (!asked) return asked.error().message;
  std::map<std::string, Wanted> entries;
  for (const auto& c : *asked) {
    Wanted w{c.action,
             c.action == Change::Action::kReset ? std::string() : canonicalDnsName(c.hostname)};
    if (!entries.emplace(c.ip, w).second) return fmt::format("it names {} twice", c.ip);
  }
  if (entries.empty()) return "it asks for no change";

  std::map<std::string, Wanted> planned;
  for (const auto& c : plan.changes)
    planned[c.ip.str()] = {c.change.action, c.change.action == Change::Action::kReset
                                                ? std::string()
                                                : canonicalDnsName(c.change.hostname)};
  for (const auto& [ip, had] : entries) {
    auto it = planned.find(ip);
    if (it == planned.end()) {
      // The daemon's plans list no in_sync entries: an address not listed may be in sync.
      std::string state = plan.inSyncOmitted > 0 ? "in sync or not in the plan" : "not in the plan";
      for (const auto& e : plan.entries)
        if (e.ipText() == ip) state = stateName(e.state);
      return fmt::format("the plan no longer changes {} ({}); the job would {}", ip, state,
                         describe(had));
    }
    if (it->second.action != had.action || it->second.target != had.target)
      return fmt::format("the plan now wants {} to {}; the job would {}", ip, describe(it->second),
                         describe(had));
  }
  return "";
}

}  // namespace ptrd
