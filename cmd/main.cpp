// ptrd: keeps reverse DNS (PTR records) equal to what a Git repository declares.
#include <fmt/format.h>

#include "cmd/cli_conventions.h"
#include "cmd/commands.h"
#include "cmd/log_level.h"
#include "cmd/version.h"
#include "reconciler/daemon/process_hardening.h"

int main(int argc, char** argv) {
  // Before anything reads a secret: no core dump or /proc/PID/mem may hold the token.
  if (auto hardened = ptrd::hardenProcess(); !hardened) {
    fmt::print(stderr, "ptrd: {}\n", hardened.error().message);
    return 1;
  }
  CLI::App app{
      "ptrd keeps reverse DNS (PTR records) equal to what a Git repository declares,\n"
      "and only points an address at a name that resolves back to it (FCrDNS)."};
  app.set_version_flag("--version", "ptrd " PTRD_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = 0;
  ptrd::cmd::addVersionCommand(app, exit_code);
  ptrd::cmd::addValidateCommand(app, exit_code);
  ptrd::cmd::addCheckCommand(app, exit_code);
  ptrd::cmd::addPlanCommand(app, exit_code);
  ptrd::cmd::addApplyCommand(app, exit_code);
  ptrd::cmd::addRunCommand(app, exit_code);
  ptrd::cmd::addLogLevelOption(app);
  ptrd::cmd::applyCliConventions(app);
  if (auto unknown = ptrd::cmd::unknownCommand(app, argc, argv)) {
    fmt::print(stderr, "ptrd: {}\n", *unknown);
    return 1;  // a usage error, like CLI11's own
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0 (contract §3); usage errors exit 1, never
    // "changes pending" (2).
    return app.exit(e) == 0 ? 0 : 1;
  }
  return exit_code;
}
