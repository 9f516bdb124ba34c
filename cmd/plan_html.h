// `ptrd plan -o html`: the status page's view of one plan as a self-contained
// file (a pull-request artifact): counts per state, the safety cap, warnings and
// load errors, and every address not in_sync with its reason and file:line,
// filterable in the browser. The rows travel as JSON inside the page, escaped so
// that no name can end its block; nothing in the file fetches anything.
#pragma once

#include <string>

#include "cmd/plan_output.h"
#include "reconciler/plan/plan.h"

namespace ptrd::cmd {

std::string renderPlanHtml(const Plan& plan, const PlanContext& ctx, const std::string& provider,
                           const std::string& error = {});

}  // namespace ptrd::cmd
