#include <fmt/format.h>

#include "cmd/commands.h"

namespace ptrd::cmd {

void addValidateCommand(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("validate", "Load mapping files and report every error");
  sub->allow_extras();
  sub->callback([&exit_code] { exit_code = 1; });
}

}  // namespace ptrd::cmd
