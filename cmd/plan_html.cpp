#include "cmd/plan_html.h"

#include <nlohmann/json.hpp>

#include "reconciler/telemetry/status_page.h"
#include "reconciler/telemetry/status_rows.h"

namespace ptrd::cmd {

std::string renderPlanHtml(const Plan& plan, const PlanContext& ctx, const std::string& provider,
                           const std::string& error) {
  using Json = nlohmann::ordered_json;
  Json s;
  s["apiVersion"] = "ptrd.io/v1alpha1";
  s["kind"] = "Plan";
  Json counts;
  for (RecordState st : kAllRecordStates) counts[stateName(st)] = plan.summary[st];
  s["summary"] = std::move(counts);
  s["changes"] = plan.changes.size();
  s["managed"] = plan.managed;
  s["policy"] = ctx.policy;
  s["require_forward_match"] = ctx.requireForwardMatch;
  s["provider"] = {{"type", provider}};
  s["cap"] = plan.capExceeded && !plan.capOverridden ? Json(plan.capMessage) : Json(nullptr);
  Json warnings = plan.warnings;
  if (!error.empty()) warnings.insert(warnings.begin(), error);
  s["warnings"] = std::move(warnings);
  Json errors = Json::array();
  if (ctx.desired != nullptr) {
    for (const auto& e : ctx.desired->fileErrors) errors.push_back(e.str());
  }
  s["reload_errors_total"] = errors.size();
  s["reload_errors"] = std::move(errors);

  // Rows are written one by one (rowJson clips and replaces bad bytes the same
  // way the daemon's pages do), then the whole text made safe for <script>.
  std::string rows;
  for (const auto& r : statusRows(plan.entries, {})) {
    rows += rows.empty() ? "\n" : ",\n";
    rows += rowJson(r);
  }
  const std::string data =
      "{\"summary\": " + s.dump(-1, ' ', false, Json::error_handler_t::replace) + ",\n\"rows\": [" +
      rows + "]}";
  return embeddedPageHtml(data);
}

}  // namespace ptrd::cmd
