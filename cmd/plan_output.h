// Renders plans and apply reports for people (text) and scripts (JSON).
//
// `plan -o json` prints ONE object (contract §3):
//   {"summary": {"in_sync": 3, "set": 1, "reset": 0, "blocked_forward": 1, "not_owned": 0,
//                "invalid": 0, "lookup_error": 0, "propagating": 0},
//    "changes": [{"ip": "203.0.113.10", "action": "set", "from": "", "to": "mail.example.com."}],
//    "records": [{"ip", "state", "from", "to", "reason", "source"}, ...],   // every IP not in_sync
//    "managed": 5, "cap_exceeded": false, "policy": "upsert-only", "require_forward_match": true,
//    "warnings": [...], "errors": ["mappings/broken.yaml:3:1: ..."]}
// Keys are in a fixed order and arrays sorted by IP, so two runs diff cleanly.
#pragma once

#include <string>

#include "reconciler/desired_state.h"
#include "reconciler/plan.h"
#include "reconciler/reconcile.h"

namespace ptrd::cmd {

struct PlanContext {
  std::string policy;  // policyName()
  bool requireForwardMatch = true;
  const DesiredState* desired = nullptr;  // for fileErrors
};

std::string renderPlanJson(const Plan& plan, const PlanContext& ctx);
std::string renderPlanText(const Plan& plan, const PlanContext& ctx);

// Apply: the plan after the pass plus the portal-style result counts and the
// outcome of every sent change ("result": "verified" | "propagating" | "invalid" |
// "not_yours" | "failed").
std::string renderApplyJson(const ApplyReport& report, const PlanContext& ctx);
std::string renderApplyText(const ApplyReport& report, const PlanContext& ctx);

}  // namespace ptrd::cmd
