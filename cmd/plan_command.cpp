// `ptrd plan -c CONFIG [-o text|json|html]`: observe and diff, change nothing
// (contract §3). Exit 0 nothing to do, 2 changes pending, 1 error.
#include <fmt/format.h>

#include "cmd/commands.h"
#include "cmd/plan_html.h"
#include "cmd/plan_output.h"
#include "reconciler/apply/reconcile.h"
#include "reconciler/apply/session.h"

namespace ptrd::cmd {
namespace {

struct PlanArgs {
  std::string config;
  std::string output = "text";
  bool allowLargeChange = false;
};

// A failure before there is a plan: stderr for people, and for `-o json` still
// one JSON object on stdout (contract §3) so scripts never parse nothing.
int fail(const PlanArgs& args, const std::string& message) {
  fmt::print(stderr, "ptrd plan: {}\n", message);
  if (args.output == "json") fmt::print("{}", renderPlanErrorJson(message));
  return 1;
}

int runPlan(const PlanArgs& args) {
  auto session = openSession(args.config);
  if (!session) return fail(args, session.error().message);
  const auto& config = session->config;
  PlanOptions options = config.planOptions(args.allowLargeChange);
  // Text and JSON list only what is not in sync (the summary counts the rest);
  // the HTML view shows every address.
  options.inSyncEntries = args.output == "html";
  auto plan = observeAndPlan(session->desired, *session->provider, *session->resolver, options);
  if (!plan) return fail(args, plan.error().message);
  PlanContext ctx{policyName(config.policy), config.requireForwardMatch, &session->desired};
  std::string error;
  if (!session->desired.complete())
    error = fmt::format("{} mapping file(s) failed to load", session->desired.fileErrors.size());
  if (args.output == "html")
    fmt::print("{}", renderPlanHtml(*plan, ctx, config.provider.type, error));
  else
    fmt::print("{}", args.output == "json" ? renderPlanJson(*plan, ctx, error)
                                           : renderPlanText(*plan, ctx));
  // A mapping file that failed to load is an error to fix, even though the plan
  // for the other files is shown (and acted on by apply, without sync resets).
  if (!session->desired.complete()) {
    fmt::print(stderr, "ptrd plan: {} mapping file(s) failed to load\n",
               session->desired.fileErrors.size());
    return 1;
  }
  return plan->hasChanges() ? 2 : 0;
}

}  // namespace

void addPlanCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PlanArgs>();
  auto* sub = app.add_subcommand("plan", "Observe and diff; change nothing");
  sub->footer(
      "Reads the provider's inventory and forward DNS, and shows per IP what apply would do:\n"
      "in_sync, set, reset, blocked_forward, not_owned, invalid, lookup_error (contract words).\n"
      "`-o json` prints one object: summary (integer count per state), changes\n"
      "[{ip, action, from, to}], records (every IP not in_sync, with reason and source "
      "file:line).\n"
      "`-o html` writes the status page's view of the plan as one self-contained file\n"
      "(e.g. `ptrd plan -c ptrd.yaml -o html > plan.html`, a pull-request artifact).\n"
      "\n"
      "Exit status: 0 nothing to do, 2 changes pending, 1 error (bad config, provider\n"
      "unreadable, or a mapping file failed to load -- the plan is still printed then).");
  sub->add_option("-c,--config", args->config, "ReconcilerConfig file")->required();
  sub->add_option("-o,--output", args->output, "Output format")
      ->check(CLI::IsMember({"text", "json", "html"}));
  sub->add_flag("--allow-large-change", args->allowLargeChange,
                "Show the plan as apply --allow-large-change would run it (past the safety cap)");
  sub->callback([args, &exit_code] { exit_code = runPlan(*args); });
}

}  // namespace ptrd::cmd
