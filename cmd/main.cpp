// ptrd: keeps reverse DNS (PTR records) equal to what a Git repository declares.
#include <fmt/format.h>

#include "cmd/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ptrd keeps reverse DNS (PTR records) equal to what a Git repository declares,\n"
               "and only points an address at a name that resolves back to it (FCrDNS)."};
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = 0;
  ptrd::cmd::addVersionCommand(app, exit_code);
  ptrd::cmd::addValidateCommand(app, exit_code);
  ptrd::cmd::addCheckCommand(app, exit_code);
  ptrd::cmd::addPlanCommand(app, exit_code);
  ptrd::cmd::addApplyCommand(app, exit_code);
  ptrd::cmd::addRunCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // exit status 0, as the contract pins for --help
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;  // usage errors are errors (exit 1), never "changes pending" (2)
  }
  return exit_code;
}
