// `--log-level debug|info|warn|error` (contract §3): taken by every subcommand,
// read by whatever builds a Logger for that command.
#pragma once

#include <CLI/CLI.hpp>

#include "reconciler/telemetry/logger.h"

namespace ptrd::cmd {

// Adds --log-level to every subcommand registered on `app` so far.
void addLogLevelOption(CLI::App& app);

// The level given on the command line; info when none was.
LogLevel chosenLogLevel();

}  // namespace ptrd::cmd
