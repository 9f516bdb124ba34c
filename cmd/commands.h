// Each ptrd subcommand registers itself on the CLI11 app. The callback stores the
// process exit status in `exit_code` (contract §3), so main() returns it.
#pragma once

#include <CLI/CLI.hpp>

namespace ptrd::cmd {

void addVersionCommand(CLI::App& app, int& exit_code);
void addValidateCommand(CLI::App& app, int& exit_code);
void addCheckCommand(CLI::App& app, int& exit_code);
void addPlanCommand(CLI::App& app, int& exit_code);
void addApplyCommand(CLI::App& app, int& exit_code);
void addRunCommand(CLI::App& app, int& exit_code);

}  // namespace ptrd::cmd
