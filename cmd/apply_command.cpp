// `ptrd apply -c CONFIG [--allow-large-change]`: one reconcile pass (contract §3):
// plan, apply in batches, verify by DNS. Exit 0 converged, 2 something left
// unconverged, 1 error.
#include <fmt/format.h>

#include <chrono>

#include "cmd/commands.h"
#include "cmd/plan_output.h"
#include "core/clock.h"
#include "reconciler/apply/reconcile.h"
#include "reconciler/apply/session.h"

namespace ptrd::cmd {
namespace {

struct ApplyArgs {
  std::string config;
  std::string output = "text";
  bool allowLargeChange = false;
  double verifySeconds = 60;
};

int runApply(const ApplyArgs& args) {
  auto session = openSession(args.config);
  if (!session) {
    fmt::print(stderr, "ptrd apply: {}\n", session.error().message);
    return 1;
  }
  const auto& config = session->config;
  auto plan = observeAndPlan(session->desired, *session->provider, *session->resolver,
                             config.planOptions(args.allowLargeChange));
  if (!plan) {
    fmt::print(stderr, "ptrd apply: {}\n", plan.error().message);
    return 1;
  }
  SystemClock clock;
  VerifyOptions verify;
  verify.deadline = std::chrono::milliseconds(long(args.verifySeconds * 1000));
  ApplyReport report = applyPlan(*plan, *session->provider, *session->resolver, clock, verify);
  PlanContext ctx{policyName(config.policy), config.requireForwardMatch, &session->desired};
  fmt::print("{}",
             args.output == "json" ? renderApplyJson(report, ctx) : renderApplyText(report, ctx));
  if (report.capRefused) fmt::print(stderr, "ptrd apply: safety cap: {}\n", report.plan.capMessage);
  if (!session->desired.complete()) {
    fmt::print(stderr, "ptrd apply: {} mapping file(s) failed to load\n",
               session->desired.fileErrors.size());
    return 1;
  }
  return report.converged() ? 0 : 2;
}

}  // namespace

void addApplyCommand(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ApplyArgs>();
  auto* sub = app.add_subcommand("apply", "One reconcile pass: apply the plan, verify by DNS");
  sub->footer(
      "Plans as `ptrd plan` does, sends the set/reset changes in batches of the provider's size,\n"
      "then looks each changed PTR up in DNS until it shows (or --verify-timeout passes: the IP\n"
      "is then `propagating` and checked again next pass). Names whose forward DNS does not\n"
      "point back at the IP are never set (blocked_forward).\n"
      "\n"
      "SAFETY CAP: a pass that would change more than maxChangePercent of the managed IPs, or\n"
      "more than maxChanges, changes nothing and says so. After checking the plan, a person\n"
      "may pass --allow-large-change to apply it anyway.\n"
      "\n"
      "Exit status: 0 converged (every declared IP in_sync), 2 something left unconverged\n"
      "(blocked, not owned, invalid, rejected, failed, propagating, or refused by the safety\n"
      "cap), 1 error (bad config, provider unreadable, or a mapping file failed to load).");
  sub->add_option("-c,--config", args->config, "ReconcilerConfig file")->required();
  sub->add_option("-o,--output", args->output, "Output format")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_flag("--allow-large-change", args->allowLargeChange,
                "Apply even when the plan exceeds maxChangePercent / maxChanges (the safety cap)");
  sub->add_option("--verify-timeout", args->verifySeconds,
                  "Seconds to wait for applied changes to show in DNS")
      ->check(CLI::Range(0.0, 3600.0));
  sub->callback([args, &exit_code] { exit_code = runApply(*args); });
}

}  // namespace ptrd::cmd
