// Renders plans and apply reports for people (text) and scripts (JSON).
//
// `plan -o json` prints ONE object (contract §3):
//   {"apiVersion": "ptrd.io/v1alpha1", "kind": "Plan",
//    "summary": {"in_sync": 3, "set": 1, "reset": 0, "blocked_forward": 1, "not_owned": 0,
//                "invalid": 0, "lookup_error": 0, "propagating": 0},
//    "changes": [{"ip": "203.0.113.10", "action": "set", "from": null, "to": "mail.example.com."}],
//    "records": [{"ip", "state", "from", "to", "reason", "source"}, ...],   // every IP not in_sync
//    "managed": 5, "cap_exceeded": false, "policy": "upsert-only", "require_forward_match": true,
//    "warnings": [...], "errors": ["mappings/broken.yaml:3:1: ..."]}
// `from`/`to` are null where there is no name (no PTR before; a reset that
// deletes). When the plan fails (exit 1) the object carries "error" -- alone when
// there is no plan at all. Bytes that are not UTF-8 come out as U+FFFD.
// Keys are in a fixed order and arrays sorted by IP, so two runs diff cleanly.
#pragma once

#include <string>

#include "reconciler/source/desired_state.h"
#include "reconciler/plan/plan.h"
#include "reconciler/apply/reconcile.h"

namespace ptrd::cmd {

struct PlanContext {
  std::string policy;  // policyName()
  bool requireForwardMatch = true;
  const DesiredState* desired = nullptr;  // for fileErrors
};

// `error`: why the command fails although there is a plan (a mapping file did
// not load), carried as "error" so a script sees the failure in the object too.
std::string renderPlanJson(const Plan& plan, const PlanContext& ctx, const std::string& error = {});
std::string renderPlanText(const Plan& plan, const PlanContext& ctx);
// `plan -o json` when there is no plan: {"apiVersion", "kind": "Plan", "error"}.
std::string renderPlanErrorJson(const std::string& error);

// Apply: the plan after the pass plus the portal-style result counts and the
// outcome of every sent change ("result": "verified" | "propagating" | "invalid" |
// "not_yours" | "failed").
std::string renderApplyJson(const ApplyReport& report, const PlanContext& ctx);
std::string renderApplyText(const ApplyReport& report, const PlanContext& ctx);

}  // namespace ptrd::cmd
