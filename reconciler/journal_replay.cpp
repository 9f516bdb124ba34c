#include "reconciler/journal_replay.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/hostname.h"
#include "reconciler/record_state.h"

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

// ip -> change from a bulk body ({"entries": [{"ip", "ptr"} | {"ip", "reset": true}]});
// nullopt when the body is not that shape (nothing unreadable is replayed).
std::optional<std::map<std::string, Wanted>> entriesOf(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array() ||
      doc["entries"].empty())
    return std::nullopt;
  std::map<std::string, Wanted> out;
  for (const auto& e : doc["entries"]) {
    if (!e.is_object() || !e.contains("ip") || !e["ip"].is_string()) return std::nullopt;
    Wanted w;
    if (e.contains("reset") && e["reset"] == true) {
      w.action = Change::Action::kReset;
    } else if (e.contains("ptr") && e["ptr"].is_string()) {
      w.target = canonicalDnsName(e["ptr"].get<std::string>());
    } else {
      return std::nullopt;
    }
    if (!out.emplace(e["ip"].get<std::string>(), w).second) return std::nullopt;  // one IP twice
  }
  return out;
}

std::string hours(std::chrono::seconds s) {
  return fmt::format("{:.1f} h", std::chrono::duration<double, std::ratio<3600>>(s).count());
}

}  // namespace

std::string whyNotReplayable(const providers::JournaledJob& job, const Plan& plan,
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
  const auto entries = entriesOf(job.body);
  if (!entries) return "its body is not a list of bulk entries";

  std::map<std::string, Wanted> planned;
  for (const auto& c : plan.changes)
    planned[c.ip.str()] = {c.change.action, c.change.action == Change::Action::kReset
                                                ? std::string()
                                                : canonicalDnsName(c.change.hostname)};
  for (const auto& [ip, had] : *entries) {
    auto it = planned.find(ip);
    if (it == planned.end()) {
      std::string state = "not in the plan";
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
