#include "cmd/plan_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace ptrd::cmd {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kApiVersion = "ptrd.io/v1alpha1";

// Names and reasons come from files and peers and may hold any bytes: a byte
// that is not UTF-8 is written as U+FFFD instead of throwing (type_error.316)
// out of the one call that prints the result.
std::string dumpJson(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

// Contract §3: no name (no PTR before; a reset that deletes) is null, never "".
Json nameOrNull(const std::string& name) {
  return name.empty() ? Json(nullptr) : Json(name);
}

Json planHeader() {
  Json j;
  j["apiVersion"] = kApiVersion;
  j["kind"] = "Plan";
  return j;
}

Json summaryJson(const PlanSummary& s) {
  Json j = Json::object();
  for (RecordState st : kAllRecordStates) j[stateName(st)] = s[st];
  return j;
}

Json recordsJson(const Plan& plan) {
  Json out = Json::array();
  for (const auto& e : plan.entries) {
    if (e.state == RecordState::kInSync) continue;
    Json r;
    r["ip"] = e.ip ? Json(e.ip->str()) : Json(nullptr);
    r["state"] = stateName(e.state);
    r["from"] = nameOrNull(e.from);
    r["to"] = nameOrNull(e.to);
    r["reason"] = e.reason;
    r["source"] = e.source.str();
    out.push_back(std::move(r));
  }
  return out;
}

Json changeJson(const PlannedChange& c) {
  Json j;
  j["ip"] = c.change.ip;
  j["action"] = providers::actionName(c.change.action);
  j["from"] = nameOrNull(c.from);
  j["to"] = nameOrNull(c.to);
  return j;
}

void addContext(Json& j, const Plan& plan, const PlanContext& ctx) {
  j["managed"] = plan.managed;
  j["cap_exceeded"] = plan.capExceeded;
  if (plan.capExceeded) j["cap_message"] = plan.capMessage;
  j["policy"] = ctx.policy;
  j["require_forward_match"] = ctx.requireForwardMatch;
  j["sync_suppressed"] = plan.syncSuppressed;
  j["warnings"] = plan.warnings;
  Json errors = Json::array();
  if (ctx.desired != nullptr) {
    for (const auto& e : ctx.desired->fileErrors) errors.push_back(e.str());
  }
  j["errors"] = std::move(errors);
}

std::string display(const std::string& name) {
  return name.empty() ? "(none)" : name;
}

// One line per IP: state, address (padded to the widest shown), what happens or why not.
std::string entryLine(const PlanEntry& e, size_t ipWidth) {
  const std::string ip = e.ip ? e.ip->str() : "-";
  if (e.state == RecordState::kSet || e.state == RecordState::kReset) {
    return fmt::format("  {:<15} {:<{}}  {} -> {}{}\n", stateName(e.state), ip, ipWidth,
                       display(e.from), e.to.empty() ? "(provider default)" : e.to,
                       e.declared ? "" : "  [undeclared, policy sync]");
  }
  std::string where = e.source.file.empty() ? "" : fmt::format("  [{}]", e.source.str());
  return fmt::format("  {:<15} {:<{}}  {}{}\n", stateName(e.state), ip, ipWidth, e.reason, where);
}

std::string summaryText(const PlanSummary& s) {
  std::string out;
  for (RecordState st : kAllRecordStates)
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", stateName(st), s[st]);
  return out;
}

// Everything but in_sync, the warnings, the load errors and the summary line.
std::string body(const Plan& plan, const PlanContext& ctx) {
  size_t ipWidth = 1;
  for (const auto& e : plan.entries) {
    if (e.state != RecordState::kInSync && e.ip) ipWidth = std::max(ipWidth, e.ip->str().size());
  }
  std::string out;
  for (const auto& e : plan.entries) {
    if (e.state != RecordState::kInSync) out += entryLine(e, ipWidth);
  }
  if (ctx.desired != nullptr) {
    for (const auto& e : ctx.desired->fileErrors) out += fmt::format("error: {}\n", e.str());
  }
  for (const auto& w : plan.warnings) out += fmt::format("warning: {}\n", w);
  out += fmt::format("summary: {}\n", summaryText(plan.summary));
  return out;
}

}  // namespace

std::string renderPlanJson(const Plan& plan, const PlanContext& ctx, const std::string& error) {
  Json j = planHeader();
  if (!error.empty()) j["error"] = error;
  j["summary"] = summaryJson(plan.summary);
  Json changes = Json::array();
  for (const auto& c : plan.changes) changes.push_back(changeJson(c));
  j["changes"] = std::move(changes);
  j["records"] = recordsJson(plan);
  addContext(j, plan, ctx);
  return dumpJson(j);
}

std::string renderPlanErrorJson(const std::string& error) {
  Json j = planHeader();
  j["error"] = error;
  return dumpJson(j);
}

std::string renderPlanText(const Plan& plan, const PlanContext& ctx) {
  std::string out = fmt::format("policy {}, forward check {}, {} managed IPs\n", ctx.policy,
                                ctx.requireForwardMatch ? "on" : "OFF", plan.managed);
  out += body(plan, ctx);
  if (plan.capExceeded && !plan.capOverridden)
    out += fmt::format("SAFETY CAP: {}\n", plan.capMessage);
  if (plan.changes.empty()) {
    out += "nothing to do\n";
  } else {
    out += fmt::format("{} change(s) pending ({} set, {} reset)\n", plan.changes.size(),
                       plan.summary[RecordState::kSet], plan.summary[RecordState::kReset]);
  }
  return out;
}

std::string renderApplyJson(const ApplyReport& report, const PlanContext& ctx) {
  const Plan& plan = report.plan;
  Json j;
  j["summary"] = summaryJson(plan.summary);
  Json result;
  result["applied"] = report.applied;
  result["verified"] = report.verified;
  result["propagating"] = report.propagating;
  result["invalid"] = report.invalid;
  result["not_yours"] = report.notYours;
  result["failed"] = report.failed;
  result["blocked_forward"] = plan.summary[RecordState::kBlockedForward];
  j["result"] = std::move(result);
  Json changes = Json::array();
  for (const auto& o : report.outcomes) {
    Json c = changeJson(o.planned);
    c["result"] = outcomeStatusName(o.status);
    if (!o.reason.empty()) c["reason"] = o.reason;
    changes.push_back(std::move(c));
  }
  j["changes"] = std::move(changes);
  j["records"] = recordsJson(plan);
  j["cap_refused"] = report.capRefused;
  j["converged"] = report.converged();
  addContext(j, plan, ctx);
  return dumpJson(j);
}

std::string renderApplyText(const ApplyReport& report, const PlanContext& ctx) {
  std::string out = body(report.plan, ctx);
  if (report.capRefused) out += fmt::format("SAFETY CAP: {}\n", report.plan.capMessage);
  out += fmt::format("result: {}\n", report.summaryLine());
  out += report.converged() ? "converged\n" : "not converged\n";
  return out;
}

}  // namespace ptrd::cmd
