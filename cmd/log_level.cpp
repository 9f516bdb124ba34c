#include "cmd/log_level.h"

#include <map>
#include <string>

namespace ptrd::cmd {
namespace {

// One process, one command line: a plain process-wide setting is all this needs.
LogLevel g_level = LogLevel::kInfo;

const std::map<std::string, LogLevel>& levels() {
  static const std::map<std::string, LogLevel> kLevels{{"debug", LogLevel::kDebug},
                                                       {"info", LogLevel::kInfo},
                                                       {"warn", LogLevel::kWarn},
                                                       {"error", LogLevel::kError}};
  return kLevels;
}

}  // namespace

void addLogLevelOption(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->add_option_function<std::string>(
           "--log-level", [](const std::string& name) { g_level = levels().at(name); },
           "Least severe log level printed (default info)")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  }
}

LogLevel chosenLogLevel() {
  return g_level;
}

}  // namespace ptrd::cmd
