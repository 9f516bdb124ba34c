// Subcommands whose issue has not landed yet: they exist so --help lists them,
// and answer "not implemented yet" with exit status 1. Each moves to its own file
// when implemented.
#include <fmt/format.h>

#include "cmd/commands.h"

namespace ptrd::cmd {
namespace {

void addPlaceholder(CLI::App& app, int& exit_code, const char* name, const char* help) {
  auto* sub = app.add_subcommand(name, help);
  sub->allow_extras();
  sub->callback([&exit_code, name] {
    fmt::print(stderr, "ptrd {}: not implemented yet\n", name);
    exit_code = 1;
  });
}

}  // namespace

void addCheckCommand(CLI::App& app, int& exit_code) {
  addPlaceholder(app, exit_code, "check", "Read-only FCrDNS audit from DNS alone");
}
void addPlanCommand(CLI::App& app, int& exit_code) {
  addPlaceholder(app, exit_code, "plan", "Observe and diff; change nothing");
}
void addApplyCommand(CLI::App& app, int& exit_code) {
  addPlaceholder(app, exit_code, "apply", "One reconcile pass: apply the plan, verify by DNS");
}
void addRunCommand(CLI::App& app, int& exit_code) {
  addPlaceholder(app, exit_code, "run", "The daemon: reconcile every interval");
}

}  // namespace ptrd::cmd
